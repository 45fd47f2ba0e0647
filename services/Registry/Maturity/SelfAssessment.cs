using MenSI.Contracts.Registry;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MenSI.Registry.Maturity;

/// <summary>A dated digital-maturity self-assessment of a school; never changed, so the history is the record of progress.</summary>
public sealed class SelfAssessment
{
    private SelfAssessment() { }

    public Guid Id { get; private set; }
    public Guid SchoolId { get; private set; }
    public DateOnly AssessedOn { get; private set; }
    public int Leadership { get; private set; }
    public int CollaborationAndNetworking { get; private set; }
    public int InfrastructureAndEquipment { get; private set; }
    public int ContinuingProfessionalDevelopment { get; private set; }
    public int PedagogySupportsAndResources { get; private set; }
    public int PedagogyImplementationInTheClassroom { get; private set; }
    public int AssessmentPractices { get; private set; }
    public int StudentDigitalCompetence { get; private set; }
    /// <summary>The caller's opaque subject (a user id or a client id).</summary>
    public string SubmittedBy { get; private set; } = "";
    public DateTimeOffset SubmittedAt { get; private set; }

    public SelfieScores Scores => new(Leadership, CollaborationAndNetworking, InfrastructureAndEquipment, ContinuingProfessionalDevelopment,
        PedagogySupportsAndResources, PedagogyImplementationInTheClassroom, AssessmentPractices, StudentDigitalCompetence);

    public static SelfAssessment Submit(Guid schoolId, DateOnly assessedOn, SelfieScores scores, string submittedBy, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        SchoolId = schoolId,
        AssessedOn = assessedOn,
        Leadership = scores.Leadership,
        CollaborationAndNetworking = scores.CollaborationAndNetworking,
        InfrastructureAndEquipment = scores.InfrastructureAndEquipment,
        ContinuingProfessionalDevelopment = scores.ContinuingProfessionalDevelopment,
        PedagogySupportsAndResources = scores.PedagogySupportsAndResources,
        PedagogyImplementationInTheClassroom = scores.PedagogyImplementationInTheClassroom,
        AssessmentPractices = scores.AssessmentPractices,
        StudentDigitalCompetence = scores.StudentDigitalCompetence,
        SubmittedBy = submittedBy,
        SubmittedAt = now,
    };

    public DigitalMaturityAssessed ToEvent(string country) => new(Guid.CreateVersion7(SubmittedAt), SubmittedAt, SchoolId, country, Id, AssessedOn, Scores);
}

internal sealed class SelfAssessmentConfiguration : IEntityTypeConfiguration<SelfAssessment>
{
    public void Configure(EntityTypeBuilder<SelfAssessment> assessment)
    {
        assessment.ToTable("self_assessments", t => t.HasCheckConstraint("ck_self_assessments_scores",
            "leadership BETWEEN 1 AND 5 AND collaboration_and_networking BETWEEN 1 AND 5 AND infrastructure_and_equipment BETWEEN 1 AND 5 " +
            "AND continuing_professional_development BETWEEN 1 AND 5 AND pedagogy_supports_and_resources BETWEEN 1 AND 5 " +
            "AND pedagogy_implementation_in_the_classroom BETWEEN 1 AND 5 AND assessment_practices BETWEEN 1 AND 5 AND student_digital_competence BETWEEN 1 AND 5"));
        assessment.HasKey(a => a.Id);
        assessment.Ignore(a => a.Scores);
        assessment.HasIndex(a => new { a.SchoolId, a.AssessedOn, a.Id });
        assessment.Property(a => a.SubmittedBy).HasMaxLength(100);
        assessment.HasOne<Schools.School>().WithMany().HasForeignKey(a => a.SchoolId);
    }
}
