using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json.Nodes;
using MenSI.ServiceDefaults.Messaging.Catalogue;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using NJsonSchema.CodeGeneration.CSharp;
using Xunit;

namespace MenSI.ServiceDefaults.Tests;

/// <summary>
/// A ministry developer's path from the AsyncAPI document to code: generate a type per message from its payload schema
/// with an off-the-shelf JSON Schema generator (NJsonSchema's C# one, with its defaults), compile them, and read every
/// example message into them. A schema a generator cannot turn into a type, or a type that cannot hold what the
/// platform sends, fails here rather than in a ministry's build.
/// </summary>
public class GeneratedConsumerTests
{
    [Fact]
    public async Task Types_generated_from_the_document_read_every_example_message_without_losing_a_field()
    {
        var document = AsyncApiDocument.Build();
        var messages = document["components"]!["messages"]!.AsObject();
        var code = new StringBuilder();
        foreach (var (name, message) in messages)
        {
            var payload = document["components"]!["schemas"]![name]!; // the message's payload, by its $ref
            Assert.Equal($"#/components/schemas/{name}", message!["payload"]!["$ref"]!.GetValue<string>());
            var schema = await NJsonSchema.JsonSchema.FromJsonAsync(payload.ToJsonString());
            code.AppendLine(new CSharpGenerator(schema, new CSharpGeneratorSettings { Namespace = $"Ministry.Events.{name}" }).GenerateFile(name));
        }

        var consumer = Compile(code.ToString());
        foreach (var (name, message) in messages)
        {
            var type = consumer.GetType($"Ministry.Events.{name}.{name}", throwOnError: true)!;
            foreach (var example in message!["examples"]!.AsArray())
            {
                var sent = example!["payload"]!;
                var read = Newtonsoft.Json.JsonConvert.DeserializeObject(sent.ToJsonString(), type,
                    new Newtonsoft.Json.JsonSerializerSettings { MissingMemberHandling = Newtonsoft.Json.MissingMemberHandling.Error })!;
                var kept = JsonNode.Parse(Newtonsoft.Json.JsonConvert.SerializeObject(read))!;
                Assert.True(SameValues(sent, kept, out var where), $"{name}: {where} differs after reading the example into the generated type\n{sent.ToJsonString()}\n{kept.ToJsonString()}");
            }
        }
    }

    private static Assembly Compile(string code)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Newtonsoft.Json.JsonConvert).Assembly.Location)
            .Distinct().Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Ministry.Events", [CSharpSyntaxTree.ParseText(code)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var errors = emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success, "the generated consumer does not compile:\n" + string.Join("\n", errors.Take(20)));
        image.Position = 0;
        return new AssemblyLoadContext("generated consumer", isCollectible: true).LoadFromStream(image);
    }

    /// <summary>The same values, field by field: a timestamp may come back in another notation of the same instant.</summary>
    private static bool SameValues(JsonNode? sent, JsonNode? kept, out string where)
    {
        where = sent?.GetPath() ?? kept?.GetPath() ?? "$";
        switch (sent)
        {
            case null:
                return kept is null;
            case JsonObject fields:
                if (kept is not JsonObject keptFields) return false;
                foreach (var (field, value) in fields)
                {
                    if (!SameValues(value, keptFields[field], out where)) return false;
                }

                return true;
            case JsonArray items:
                if (kept is not JsonArray keptItems || keptItems.Count != items.Count) return false;
                for (var i = 0; i < items.Count; i++)
                {
                    if (!SameValues(items[i], keptItems[i], out where)) return false;
                }

                return true;
            default:
                if (kept is not JsonValue) return false;
                var (a, b) = (sent.ToJsonString(), kept.ToJsonString());
                return a == b
                    || sent.GetValueKind() == System.Text.Json.JsonValueKind.Number && decimal.Parse(a, CultureInfo.InvariantCulture) == decimal.Parse(b, CultureInfo.InvariantCulture)
                    || DateTimeOffset.TryParse(sent.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && DateTimeOffset.TryParse(kept.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var keptAt) && at == keptAt;
        }
    }
}
