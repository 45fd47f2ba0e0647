using System.Text.Json.Serialization;
using MenSI.Contracts.Registry;
using MenSI.Registry.Schools;
using MenSI.ServiceDefaults;
using MenSI.ServiceDefaults.Http;
using MenSI.ServiceDefaults.Messaging;
using MenSI.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Registry.Maturity;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SelfAssessmentRequest(DateOnly? AssessedOn, Dictionary<string, int?>? Scores);

public sealed record SelfAssessmentResponse(Guid Id, Guid SchoolId, DateOnly AssessedOn, SelfieScores Scores, double Mean, string SubmittedBy, DateTimeOffset SubmittedAt)
{
    public static SelfAssessmentResponse Of(SelfAssessment a) => new(a.Id, a.SchoolId, a.AssessedOn, a.Scores, Selfie.Mean(a.Scores), a.SubmittedBy, a.SubmittedAt);
}

/// <summary>The first and the latest assessment and the change in each area between them: how far the school has come.</summary>
public sealed record MaturityProgress(Guid SchoolId, int Assessments, SelfAssessmentResponse? First, SelfAssessmentResponse? Latest, IReadOnlyDictionary<string, int>? Change, double? MeanChange);

/// <summary>Averages over each school's latest assessment: the network's (country null) and each country's.</summary>
public sealed record MaturityAverage(string? Country, int Schools, IReadOnlyDictionary<string, double> Areas, double Mean);

/// <summary>Digital-maturity self-assessments: submitted for a school by who may edit it, read by any signed-in member.</summary>
public static class MaturityEndpoints
{
    public static void MapMaturityEndpoints(this IEndpointRouteBuilder app)
    {
        var school = app.MapGroup(SchoolEndpoints.Route + "/{id:guid}/self-assessments").WithTags("Digital maturity");
        school.MapPost("/", Submit).WithName("SubmitSelfAssessment").WithIdempotency().RequireAuthorization(Policies.SchoolStaff);
        school.MapGet("/", History).WithName("ListSelfAssessments").RequireAuthorization(Policies.Member);
        school.MapGet("/progress", Progress).WithName("GetMaturityProgress").RequireAuthorization(Policies.Member);
        app.MapGet("/api/v1/digital-maturity/averages", Averages).WithTags("Digital maturity").WithName("GetMaturityAverages")
            .RequireAuthorization(Policies.Member);
    }

    internal static async Task<Results<Created<SelfAssessmentResponse>, ValidationProblem, ProblemHttpResult>> Submit(
        Guid id, SelfAssessmentRequest request, Caller caller, ResourceAccess access, RegistryDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var school = await db.Schools.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (school is null) return Problems.NotFound("School", id);
        if (access.Check(caller, caller.MayEditSchool(school.Id, school.Country), "assess", $"school {id}") is { } denied) return denied;

        var now = clock.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var scores = Selfie.Parse(request.Scores, errors);
        if (request.AssessedOn is not { } assessedOn) errors["assessedOn"] = ["Required: the date the school assessed itself."];
        else if (assessedOn > DateOnly.FromDateTime(now.UtcDateTime)) errors["assessedOn"] = ["Must not be in the future."];
        else if (assessedOn.Year < 2015) errors["assessedOn"] = ["Must be 2015 or later (SELFIE did not exist before)."];
        if (errors.Count > 0 || scores is null) return Problems.Validation(errors);

        var assessment = SelfAssessment.Submit(id, request.AssessedOn!.Value, scores, caller.Subject!, now);
        db.SelfAssessments.Add(assessment);
        db.AddIntegrationEvent(assessment.ToEvent(school.Country));
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"{SchoolEndpoints.Route}/{id}/self-assessments/{assessment.Id}", SelfAssessmentResponse.Of(assessment));
    }

    internal static async Task<Results<Ok<Page<SelfAssessmentResponse>>, ValidationProblem, ProblemHttpResult>> History(
        Guid id, int? page, int? pageSize, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var paging = new PageQuery(page, pageSize);
        if (paging.Problem() is { } invalid) return invalid;
        if (!await db.Schools.AnyAsync(s => s.Id == id, cancellationToken)) return Problems.NotFound("School", id);
        return TypedResults.Ok(await db.SelfAssessments.AsNoTracking().Where(a => a.SchoolId == id)
            .ToPageAsync(q => q.OrderBy(a => a.AssessedOn).ThenBy(a => a.Id), paging, SelfAssessmentResponse.Of, cancellationToken));
    }

    internal static async Task<Results<Ok<MaturityProgress>, ProblemHttpResult>> Progress(Guid id, RegistryDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Schools.AnyAsync(s => s.Id == id, cancellationToken)) return Problems.NotFound("School", id);
        var ofSchool = db.SelfAssessments.AsNoTracking().Where(a => a.SchoolId == id);
        var count = await ofSchool.CountAsync(cancellationToken);
        var first = await ofSchool.OrderBy(a => a.AssessedOn).ThenBy(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var latest = await ofSchool.OrderByDescending(a => a.AssessedOn).ThenByDescending(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        var change = first is null || latest is null ? null : Selfie.Change(first.Scores, latest.Scores);
        return TypedResults.Ok(new MaturityProgress(id, count, first is null ? null : SelfAssessmentResponse.Of(first),
            latest is null ? null : SelfAssessmentResponse.Of(latest), change,
            first is null || latest is null ? null : Math.Round(Selfie.Mean(latest.Scores) - Selfie.Mean(first.Scores), 3)));
    }

    internal static async Task<Results<Ok<IReadOnlyList<MaturityAverage>>, ValidationProblem>> Averages(
        string? country, RegistryDbContext db, CancellationToken cancellationToken)
    {
        var code = country?.Trim().ToUpperInvariant();
        if (code is { Length: > 0 } && !Countries.IsEuropean(code))
            return Problems.Validation(new Dictionary<string, string[]> { ["country"] = [Countries.Invalid] });

        var rows = await db.Database.SqlQuery<AverageRow>($"""
            WITH latest AS (
                SELECT DISTINCT ON (a.school_id) a.*, s.country
                FROM self_assessments a JOIN schools s ON s.id = a.school_id
                ORDER BY a.school_id, a.assessed_on DESC, a.id DESC)
            SELECT country, count(*)::int AS schools,
                   avg(leadership)::float8 AS leadership, avg(collaboration_and_networking)::float8 AS collaboration_and_networking,
                   avg(infrastructure_and_equipment)::float8 AS infrastructure_and_equipment,
                   avg(continuing_professional_development)::float8 AS continuing_professional_development,
                   avg(pedagogy_supports_and_resources)::float8 AS pedagogy_supports_and_resources,
                   avg(pedagogy_implementation_in_the_classroom)::float8 AS pedagogy_implementation_in_the_classroom,
                   avg(assessment_practices)::float8 AS assessment_practices, avg(student_digital_competence)::float8 AS student_digital_competence
            FROM latest GROUP BY ROLLUP (country)
            HAVING count(*) > 0 -- with no assessment at all, ROLLUP still gives a total row, of nulls
            ORDER BY country NULLS FIRST
            """).ToListAsync(cancellationToken);

        IReadOnlyList<MaturityAverage> averages = rows
            .Where(r => code is not { Length: > 0 } || r.Country is null || r.Country == code)
            .Select(r => r.ToAverage()).ToList();
        return TypedResults.Ok(averages);
    }

    internal sealed record AverageRow(string? Country, int Schools, double Leadership, double CollaborationAndNetworking, double InfrastructureAndEquipment,
        double ContinuingProfessionalDevelopment, double PedagogySupportsAndResources, double PedagogyImplementationInTheClassroom,
        double AssessmentPractices, double StudentDigitalCompetence)
    {
        public MaturityAverage ToAverage()
        {
            var areas = new Dictionary<string, double>
            {
                [Selfie.Areas[0]] = Leadership, [Selfie.Areas[1]] = CollaborationAndNetworking, [Selfie.Areas[2]] = InfrastructureAndEquipment,
                [Selfie.Areas[3]] = ContinuingProfessionalDevelopment, [Selfie.Areas[4]] = PedagogySupportsAndResources,
                [Selfie.Areas[5]] = PedagogyImplementationInTheClassroom, [Selfie.Areas[6]] = AssessmentPractices, [Selfie.Areas[7]] = StudentDigitalCompetence,
            };
            return new MaturityAverage(Country?.Trim(), Schools, areas.ToDictionary(a => a.Key, a => Math.Round(a.Value, 3)), Math.Round(areas.Values.Average(), 3));
        }
    }
}
