namespace MenSI.Hosting.Publishing;

/// <summary>
/// <c>publish kubernetes --output DIR [--public-url URL] [--image-prefix P] [--image-tag T]</c>: write the graph as
/// manifests instead of running it.
/// </summary>
public sealed record PublishOptions(string Output, Uri PublicUrl, string ImagePrefix, string ImageTag)
{
    public const string DefaultPublicUrl = "https://mensi.example.org/";
    /// <summary>Where a service's state folder is inside its container (the AppHost's <c>--state-dir</c>).</summary>
    public const string ContainerStateDirectory = "/var/lib/mensi";
    /// <summary>Files the operator supplies (certificates), under the state directory: mounted from a Secret.</summary>
    public const string CertificatesFolder = "certificates";
}
