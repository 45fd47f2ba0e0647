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

    /// <summary>
    /// Loads the PEM key at <paramref name="path"/>, creating it (owner-only) the first time. Replicas starting together
    /// on one folder race to create it: each writes a key of its own aside and moves it into place only if none is there,
    /// and whoever loses loads the winner's, so every replica signs and decrypts with the same key.
    /// </summary>
    public static RsaSecurityKey RsaKey(string path)
    {
        var rsa = RSA.Create();
        if (!File.Exists(path))
        {
            rsa.KeySize = 2048;
            var aside = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}";
            File.WriteAllText(aside, rsa.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(aside, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try { File.Move(aside, path, overwrite: false); }
            catch (IOException) when (File.Exists(path)) { File.Delete(aside); }
        }

        rsa.ImportFromPem(File.ReadAllText(path));

        // A stable key id derived from the public key, so validators' key caches survive restarts.
        var id = WebEncoders.Base64UrlEncode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = id };
    }
}
