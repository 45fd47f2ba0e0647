namespace MenSI.Contracts;

/// <summary>
/// What every integration event carries. Events hold the ids a consumer needs, never a whole entity,
/// and never personal data beyond an opaque id.
/// </summary>
public interface IIntegrationEvent
{
    /// <summary>UUID v7, unique per event: consumers use it to ignore a redelivered copy.</summary>
    Guid EventId { get; }

    /// <summary>When the change happened, UTC.</summary>
    DateTimeOffset OccurredAt { get; }
}
