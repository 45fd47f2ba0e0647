using System.Text;

namespace MenSI.Contracts;

/// <summary>
/// The stable, readable names of the events on the wire: exchange <c>mensi.&lt;service&gt;.&lt;event&gt;</c>
/// (kebab case), taken from the contract's namespace (<c>MenSI.Contracts.Registry</c>) and type name.
/// Renaming a contract type renames its exchange, which is a breaking change: add a <c>V2</c> type instead.
/// </summary>
public static class EventNames
{
    public const string Prefix = "mensi";

    public static string ExchangeFor(Type eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        return $"{Prefix}.{ServiceOf(eventType)}.{ToKebabCase(eventType.Name)}";
    }

    public static string ExchangeFor<TEvent>() where TEvent : IIntegrationEvent => ExchangeFor(typeof(TEvent));

    /// <summary>Every integration event contract, of every service.</summary>
    public static IReadOnlyList<Type> All() => typeof(IIntegrationEvent).Assembly.GetTypes()
        .Where(t => typeof(IIntegrationEvent).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract).ToList();

    /// <summary>The publishing service, from the contract's namespace: MenSI.Contracts.Registry → registry.</summary>
    public static string ServiceOf(Type eventType)
    {
        var ns = eventType.Namespace ?? throw new ArgumentException($"{eventType.Name} has no namespace.", nameof(eventType));
        const string root = "MenSI.Contracts.";
        if (!ns.StartsWith(root, StringComparison.Ordinal) || ns.Length == root.Length)
        {
            throw new ArgumentException($"{eventType.FullName} must live in a MenSI.Contracts.<Service> namespace.", nameof(eventType));
        }

        return ToKebabCase(ns[root.Length..].Split('.')[0]);
    }

    public static string ToKebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            // A word starts at an upper-case letter after a lower-case one (schoolRegistered), or at the last capital
            // of an acronym (HTTPServer → http-server). Digits stay with their word (V2 → v2).
            var boundary = i > 0 && char.IsUpper(c)
                           && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]) && char.IsUpper(name[i - 1])));
            if (boundary) sb.Append('-');
            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
