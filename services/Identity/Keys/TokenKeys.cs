using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.IdentityModel.Tokens;

namespace MenSI.Identity.Keys;

/// <summary>
/// Where Identity's signing and encryption keys come from (<c>Identity:Keys</c>):
/// <list type="bullet">
/// <item>production: certificates, <c>SigningCertificate</c> / <c>EncryptionCertificate</c> (PKCS#12 paths) with
/// <c>CertificatePassword</c>, supplied by the operator;</item>
/// <item>development: RSA keys generated once in <c>Folder</c> (the AppHost points it at its state folder, so tokens
/// stay valid across restarts), never committed.</item>
/// </list>
/// Outside Development, missing certificates stop the service at start rather than signing with a throwaway key.
/// </summary>
public sealed class TokenKeys
{
    public string? Folder { get; set; }
    public string? SigningCertificate { get; set; }
    public string? EncryptionCertificate { get; set; }
    public string? CertificatePassword { get; set; }

    public (SecurityKey Signing, SecurityKey Encryption) Load(IHostEnvironment environment)
    {
        if (SigningCertificate is not null && EncryptionCertificate is not null)
        {
            return (new X509SecurityKey(LoadCertificate(SigningCertificate)), new X509SecurityKey(LoadCertificate(EncryptionCertificate)));
        }

        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Identity:Keys:SigningCertificate and Identity:Keys:EncryptionCertificate must name PKCS#12 files outside Development.");
        }

        var folder = Folder ?? Path.Combine(environment.ContentRootPath, ".keys");
        Directory.CreateDirectory(folder);
        return (RsaKey(Path.Combine(folder, "signing.pem")), RsaKey(Path.Combine(folder, "encryption.pem")));
    }

    private X509Certificate2 LoadCertificate(string path) => X509CertificateLoader.LoadPkcs12FromFile(path, CertificatePassword);

    /// <summary>Loads the PEM key at <paramref name="path"/>, creating it (owner-only) the first time.</summary>
    public static RsaSecurityKey RsaKey(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            File.WriteAllText(path, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        // A stable key id derived from the public key, so validators' key caches survive restarts.
        var id = WebEncoders.Base64UrlEncode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
