namespace MenSI.Contracts;

/// <summary>
/// The field's value (each item, for a list) is one of these strings: the enumerations of the wire contract. The
/// AsyncAPI document and docs/events.md list them from here, so a value added in code is a value documented.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OneOfAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
