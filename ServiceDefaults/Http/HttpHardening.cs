using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.HttpOverrides;

namespace MenSI.ServiceDefaults.Http;

/// <summary>What every HTTP answer of the platform carries, and what every request must respect.</summary>
public static class HttpHardening
{
    /// <summary>
    /// An API that serves JSON needs no script, frame or referrer. A response that sets its own policy (the sign-in
    /// page) keeps it.
    /// </summary>
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

    public static WebApplication UseHttpHardening(this WebApplication app)
    {
        // Behind the gateway, links and redirects must use the address the client called (X-Forwarded-Host/Proto,
        // which YARP sets); only loopback proxies are trusted, the default.
        app.UseForwardedHeaders(new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost,
        });
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers["Cross-Origin-Opener-Policy"] = "same-origin";
                if (!headers.ContainsKey("Content-Security-Policy")) headers.ContentSecurityPolicy = ApiContentSecurityPolicy;
                if (context.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>Request body limits per endpoint: after routing, which tells the endpoint.</summary>
    public static WebApplication UseRequestBodyLimits(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            // An endpoint may take bigger bodies than the server's default (bulk imports): it says so in its metadata.
            // A declared body over the limit is refused before anything reads it; Kestrel stops undeclared ones while
            // they stream (Kestrel:Limits:MaxRequestBodySize), answered 413 by the exception handler.
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>() is { } endpointLimit && feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = endpointLimit.MaxRequestBodySize;
            }

            var limit = feature?.MaxRequestBodySize;
            if (context.Request.ContentLength > limit)
            {
                return Problems.Problem(StatusCodes.Status413PayloadTooLarge, ProblemTypes.PayloadTooLarge, "The request body is too large.",
                    $"The body may be at most {limit} bytes.").ExecuteAsync(context);
            }

            return next(context);
        });
        return app;
    }

    /// <summary>Lets this endpoint take bodies up to <paramref name="bytes"/> (null: no limit).</summary>
    public static TBuilder WithRequestBodyLimit<TBuilder>(this TBuilder endpoint, long? bytes) where TBuilder : IEndpointConventionBuilder =>
        endpoint.WithMetadata(new RequestBodyLimit(bytes));

    public sealed record RequestBodyLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
