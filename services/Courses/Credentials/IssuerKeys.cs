using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Courses.Credentials;

/// <summary>An issuer signing key (P-256). Kept for good once used: credentials signed with it must stay verifiable.</summary>
public sealed class IssuerKey
{
    public string Kid { get; init; } = "";
    public byte[] PrivateKey { get; init; } = [];
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>
/// The issuer's keys, read once from the database (the first replica to start without one creates it). Credentials
/// are signed with the newest key; every key is published, so rotating is adding a key.
/// </summary>
public sealed class IssuerKeyRing(IServiceScopeFactory scopes, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IReadOnlyList<(string Kid, ECDsa Key)>? _keys;

    public async Task<(string Kid, ECDsa Key)> SigningKeyAsync(CancellationToken cancellationToken) => (await KeysAsync(cancellationToken))[0];

    public async Task<ECDsa?> FindAsync(string kid, CancellationToken cancellationToken) =>
        (await KeysAsync(cancellationToken)).FirstOrDefault(k => k.Kid == kid).Key;

    public async Task<JsonObject> JwksAsync(CancellationToken cancellationToken) =>
        new() { ["keys"] = new JsonArray([.. (await KeysAsync(cancellationToken)).Select(k => (JsonNode)Jws.PublicJwk(k.Key, k.Kid))]) };

    public void Dispose()
    {
        _gate.Dispose();
        foreach (var (_, key) in _keys ?? []) key.Dispose();
    }

    private async Task<IReadOnlyList<(string Kid, ECDsa Key)>> KeysAsync(CancellationToken cancellationToken)
    {
        if (_keys is { } loaded) return loaded;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_keys is { } again) return again;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CoursesDbContext>();
            var stored = await db.IssuerKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
            if (stored.Count == 0)
            {
                using var created = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                db.IssuerKeys.Add(new IssuerKey { Kid = Jws.Thumbprint(created), PrivateKey = created.ExportPkcs8PrivateKey(), CreatedAt = clock.GetUtcNow() });
                // Another replica may have created one at the same moment: both are kept and published.
                await db.SaveChangesAsync(cancellationToken);
                stored = await db.IssuerKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ToListAsync(cancellationToken);
            }

            _keys = [.. stored.Select(k =>
            {
                var key = ECDsa.Create();
                key.ImportPkcs8PrivateKey(k.PrivateKey, out _);
                return (k.Kid, key);
            })];
            return _keys;
        }
        finally
        {
            _gate.Release();
        }
    }
}

internal sealed class IssuerKeyConfiguration : IEntityTypeConfiguration<IssuerKey>
{
    public void Configure(EntityTypeBuilder<IssuerKey> key)
    {
        key.ToTable("issuer_keys");
        key.HasKey(k => k.Kid);
        key.Property(k => k.Kid).HasMaxLength(64);
    }
}
