using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using MenSI.Contracts;

namespace MenSI.ServiceDefaults.Messaging.Catalogue;

/// <summary>
/// The XML comments of <c>services/Contracts</c> (built into <c>MenSI.Contracts.xml</c> beside the assembly), as plain
/// text with <c>&lt;c&gt;</c> kept as Markdown code: the one description of each event and field.
/// </summary>
public sealed partial class ContractDocumentation
{
    private readonly Dictionary<string, XElement> _members;

    private ContractDocumentation(Dictionary<string, XElement> members) => _members = members;

    public static ContractDocumentation Load()
    {
        var assembly = typeof(IIntegrationEvent).Assembly;
        var path = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing: services/Contracts builds it (GenerateDocumentationFile), and it is copied beside every assembly that references the contracts.");
        }

        var members = XDocument.Load(path).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal);
        return new ContractDocumentation(members);
    }

    /// <summary>The type's summary, without the "Exchange <c>…</c>." sentence (the channel says that).</summary>
    public string Summary(Type type) => ExchangeSentence().Replace(Text(Member(type)?.Element("summary")), "").Trim();

    public string Remarks(Type type) => Text(Member(type)?.Element("remarks"));

    /// <summary>A field's description: the record's <c>param</c>, else the property's own summary (the interface's for the common fields).</summary>
    public string Field(Type type, PropertyInfo property)
    {
        var param = Member(type)?.Elements("param").FirstOrDefault(p => (string?)p.Attribute("name") == property.Name);
        if (param is not null) return Text(param);
        var declared = typeof(IIntegrationEvent).GetProperty(property.Name) ?? property;
        return Text(Member(declared.DeclaringType!, property.Name)?.Element("summary"));
    }

    private XElement? Member(Type type) => _members.GetValueOrDefault("T:" + type.FullName);
    private XElement? Member(Type type, string property) => _members.GetValueOrDefault($"P:{type.FullName}.{property}");

    private static string Text(XElement? element)
    {
        if (element is null) return "";
        var parts = element.Nodes().Select(n => n switch
        {
            XElement { Name.LocalName: "c" } c => $"`{c.Value}`",
            XElement { Name.LocalName: "see" } see => $"`{((string?)see.Attribute("cref"))?.Split('.', ':')[^1]}`",
            XElement e => e.Value,
            XText t => t.Value,
            _ => "",
        });
        return Whitespace().Replace(string.Concat(parts), " ").Trim();
    }

    [GeneratedRegex(@"\s+")] private static partial Regex Whitespace();
    [GeneratedRegex(@"\s*Exchange `[^`]+`\.")] private static partial Regex ExchangeSentence();
}
