using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace MenSI.ServiceDefaults.Http;

/// <summary>
/// Input no endpoint should ever have to think about, refused once for every service and the gateway, as 4xx problems
/// naming what is wrong: a NUL character anywhere text enters (PostgreSQL cannot store one), header values that are
/// not ASCII (they cannot be forwarded), a JSON body in another charset than UTF-8, too many form fields. HEAD is
/// answered as the GET it asks about, without the body.
/// </summary>
public static class InputGuard
{
    public static WebApplication UseInputGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (Refusal(request) is { } refused)
            {
                await refused.ExecuteAsync(context);
                return;
            }

            if (request.HasFormContentType && await FormRefusalAsync(request) is { } badForm)
            {
                await badForm.ExecuteAsync(context);
                return;
            }

            if (HttpMethods.IsHead(request.Method))
            {
                request.Method = HttpMethods.Get;
                context.Response.Body = Stream.Null;
            }

            await next(context);
        });
        // Routing after the guard, so HEAD finds the GET endpoint.
        app.UseRouting();
        return app;
    }

    private static IResult? Refusal(HttpRequest request)
    {
        if (request.Path.Value?.Contains('\0') == true) return Invalid("path", NulMessage);
        foreach (var (name, values) in request.Query)
        {
            if (name.Contains('\0') || Any(values, v => v.Contains('\0'))) return Invalid(name.Replace("\0", "", StringComparison.Ordinal), NulMessage);
        }

        // Every request passes here (the gateway's too): no allocation per header (LINQ on StringValues boxes it).
        foreach (var (name, values) in request.Headers)
        {
            if (Any(values, v => !IsPrintableAscii(v))) return Invalid(name, "Header values must be printable ASCII (RFC 9110); encode anything else.");
        }

        if (request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var media)
            && media.MediaType.Value?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true
            && media.Charset.HasValue && !media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
        {
            return Problems.Problem(StatusCodes.Status415UnsupportedMediaType, ProblemTypes.UnsupportedMediaType, "Unsupported charset.",
                $"JSON bodies are UTF-8 (RFC 8259); send 'Content-Type: application/json' or 'application/json; charset=utf-8', not charset={media.Charset}.");
        }

        return null;
    }

    private static bool Any(StringValues values, Func<string, bool> match)
    {
        foreach (var value in values)
        {
            if (value is not null && match(value)) return true;
        }

        return false;
    }

    private static async Task<IResult?> FormRefusalAsync(HttpRequest request)
    {
        IFormCollection form;
        try
        {
            // Buffered and rewound: the endpoint, or the gateway's proxy, reads the body again after us.
            request.EnableBuffering();
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            request.Body.Position = 0;
        }
        catch (InvalidDataException e)
        {
            return Problems.Problem(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "The form is malformed or too large.", e.Message);
        }

        foreach (var (name, values) in form)
        {
            if (name.Contains('\0') || values.Any(v => v?.Contains('\0') == true)) return Invalid(name.Replace("\0", "", StringComparison.Ordinal), NulMessage);
        }

        return null;
    }

    /// <summary>What a field with a NUL character is told, wherever text enters (imports included).</summary>
    public const string NulMessage = "Must not contain the NUL character (U+0000).";

    private static bool IsPrintableAscii(string value)
    {
        foreach (var c in value) if (c is < ' ' and not '\t' || c > '~') return false;
        return true;
    }

    private static IResult Invalid(string field, string message) =>
        Problems.Validation(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>
    /// JSON that binds to something an endpoint can trust: no NUL in any string, no <c>null</c> inside a list, no key
    /// given twice. Schemas (OpenAPI) are unaffected: this checks values, it converts nothing.
    /// </summary>
    internal static void Harden(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.Converters.Add(new NulFreeStringConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RejectNullListItems);
    }

    private sealed class NulFreeStringConverter : System.Text.Json.Serialization.JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var value = reader.GetString();
            if (value?.Contains('\0') == true) throw new JsonException(NulMessage);
            return value;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    private static void RejectNullListItems(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object) return;
        var lists = type.Properties.Where(p => p.Get is not null && HoldsNullableItems(p.PropertyType)).ToList();
        if (lists.Count == 0) return;
        var previous = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            previous?.Invoke(value);
            foreach (var list in lists)
            {
                if (list.Get!(value) is IEnumerable items && items.Cast<object?>().Any(item => item is null))
                {
                    throw new JsonException($"'{list.Name}' must not contain null items.", "$." + list.Name, null, null);
                }
            }
        };
    }

    private static bool HoldsNullableItems(Type type)
    {
        if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)) return false;
        var item = type.IsArray ? type.GetElementType()
            : (type.IsInterface && type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type
                : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)))?.GetGenericArguments()[0];
        return item is not null && (!item.IsValueType || Nullable.GetUnderlyingType(item) is not null);
    }
}
