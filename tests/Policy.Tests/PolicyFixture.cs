using MenSI.Testing;
using Xunit;

namespace MenSI.Policy.Tests;

/// <summary>One Policy service for the assembly: every other service reaches it as its events on the broker.</summary>
public sealed class PolicyFixture : ServiceFixture<PolicyDbContext>
{
    protected override string DatabaseName => "policy-db";
}

[CollectionDefinition(Name)]
public sealed class PolicyCollection : ICollectionFixture<PolicyFixture>
{
    public const string Name = "policy";
}
