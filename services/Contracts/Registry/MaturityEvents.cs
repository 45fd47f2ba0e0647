using System.ComponentModel.DataAnnotations;

namespace MenSI.Contracts.Registry;

/// <summary>
/// Scores 1 to 5 in the eight areas of the EU's SELFIE framework for schools' digital capacity.
/// </summary>
public sealed record SelfieScores(
    [property: Range(1, 5)] int Leadership,
    [property: Range(1, 5)] int CollaborationAndNetworking,
    [property: Range(1, 5)] int InfrastructureAndEquipment,
    [property: Range(1, 5)] int ContinuingProfessionalDevelopment,
    [property: Range(1, 5)] int PedagogySupportsAndResources,
    [property: Range(1, 5)] int PedagogyImplementationInTheClassroom,
    [property: Range(1, 5)] int AssessmentPractices,
    [property: Range(1, 5)] int StudentDigitalCompetence)
{
    /// <summary>The areas by their wire (JSON) names, in the order of <see cref="Values"/>.</summary>
    public static readonly IReadOnlyList<string> Areas =
    [
        "leadership", "collaborationAndNetworking", "infrastructureAndEquipment", "continuingProfessionalDevelopment",
        "pedagogySupportsAndResources", "pedagogyImplementationInTheClassroom", "assessmentPractices", "studentDigitalCompetence",
    ];

    /// <summary>
    /// The school's digital maturity: the mean of its eight scores, to 3 decimal places. The one definition every
    /// service reports, so the "same" figure never differs between them.
    /// </summary>
    public decimal Mean() => Math.Round(Values().Sum() / 8m, 3);

    /// <summary>The eight scores in <see cref="Areas"/> order.</summary>
    public IReadOnlyList<int> Values() =>
    [
        Leadership, CollaborationAndNetworking, InfrastructureAndEquipment, ContinuingProfessionalDevelopment,
        PedagogySupportsAndResources, PedagogyImplementationInTheClassroom, AssessmentPractices, StudentDigitalCompetence,
    ];
}

/// <summary>
/// A school submitted a digital-maturity self-assessment. Exchange <c>mensi.registry.digital-maturity-assessed</c>.
/// The scores are about the school, not a person, so they travel in the event.
/// </summary>
/// <remarks>Who submitted it is not in the event.</remarks>
/// <param name="AssessmentId">The assessment's id (UUID v7).</param>
/// <param name="AssessedOn">The date the school assessed itself (ISO date); a school's latest assessment is the one with the latest date.</param>
/// <param name="Scores">The eight SELFIE areas, each 1 to 5.</param>
public sealed record DigitalMaturityAssessed(
    Guid EventId,
    DateTimeOffset OccurredAt,
    Guid SchoolId,
    string Country,
    Guid AssessmentId,
    DateOnly AssessedOn,
    SelfieScores Scores) : IIntegrationEvent;
