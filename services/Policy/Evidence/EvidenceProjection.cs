using System.Text.Json;
using MenSI.Contracts;
using MenSI.Contracts.Clusters;
using MenSI.Contracts.Community;
using MenSI.Contracts.Courses;
using MenSI.Contracts.Registry;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Policy.Evidence;

/// <summary>
/// Turns consumed events into the evidence log and the fact tables, in the consumer's transaction. Every statement is a
/// multi-row insert that ignores what is already there, so a batch costs a handful of round trips however large, and a
/// duplicate (or a replay) changes nothing.
/// </summary>
public static class EvidenceProjection
{
    /// <summary>The events Policy reads, by their type name (the log's <c>event_type</c>).</summary>
    public static readonly IReadOnlyDictionary<string, Type> Consumed = new[]
    {
        typeof(SchoolRegistered), typeof(SchoolRoleAssigned), typeof(SchoolStatusChanged), typeof(DigitalMaturityAssessed),
        typeof(ClusterFormed), typeof(SchoolJoinedCluster), typeof(SchoolLeftCluster), typeof(ClusterActivated), typeof(ClusterCompleted),
        typeof(MentoringActivityLogged), typeof(LearnerEnrolled), typeof(CourseCompleted), typeof(ThreadStarted), typeof(PostPublished), typeof(ResourceShared),
    }.ToDictionary(t => t.Name);

    public static async Task RecordAsync(PolicyDbContext db, IReadOnlyList<IIntegrationEvent> events, CancellationToken ct)
    {
        var ids = events.Select(e => e.EventId).ToArray();
        var types = events.Select(e => e.GetType().Name).ToArray();
        var times = events.Select(e => e.OccurredAt).ToArray();
        var payloads = events.Select(e => JsonSerializer.Serialize(e, e.GetType(), JsonSerializerOptions.Web)).ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO evidence_log (event_id, event_type, occurred_at, payload)
            SELECT id, type, at, payload::jsonb FROM unnest({ids}, {types}, {times}, {payloads}) AS t(id, type, at, payload)
            ON CONFLICT (event_id) DO NOTHING
            """, ct);
        await ProjectAsync(db, events, ct);
    }

    public static IIntegrationEvent Deserialize(string eventType, string payload) =>
        (IIntegrationEvent)JsonSerializer.Deserialize(payload, Consumed[eventType], JsonSerializerOptions.Web)!;

    public static async Task ProjectAsync(PolicyDbContext db, IReadOnlyList<IIntegrationEvent> events, CancellationToken ct)
    {
        List<SchoolFact> schools = [];
        List<ClusterFact> clusters = [];
        List<ClusterStateFact> states = [];
        List<MembershipFact> members = [];
        List<ActivityFact> activities = [];
        List<AssessmentFact> assessments = [];
        List<LearningFact> learning = [];
        List<CommunityFact> community = [];
        foreach (var e in events)
        {
            switch (e)
            {
                case SchoolRegistered r: schools.Add(new(r.SchoolId, r.Version, r.OccurredAt, r.Country, r.NetworkRole, r.Status)); break;
                case SchoolRoleAssigned r: schools.Add(new(r.SchoolId, r.Version, r.OccurredAt, r.Country, r.NetworkRole, r.Status)); break;
                case SchoolStatusChanged r: schools.Add(new(r.SchoolId, r.Version, r.OccurredAt, r.Country, r.NetworkRole, r.Status)); break;
                case DigitalMaturityAssessed a: assessments.Add(new(a.AssessmentId, a.SchoolId, a.OccurredAt, a.AssessedOn, a.Scores.Mean())); break;
                case ClusterFormed c:
                    clusters.Add(new(c.ClusterId, c.Country, c.Approach, c.MentorSchoolId, c.OccurredAt));
                    states.Add(new(c.ClusterId, c.Version, c.OccurredAt, "forming"));
                    break;
                case ClusterActivated c: states.Add(new(c.ClusterId, c.Version, c.OccurredAt, "active")); break;
                case ClusterCompleted c: states.Add(new(c.ClusterId, c.Version, c.OccurredAt, c.Outcome)); break;
                case SchoolJoinedCluster j: members.Add(new(j.ClusterId, j.SchoolId, j.Version, j.OccurredAt, true)); break;
                case SchoolLeftCluster l: members.Add(new(l.ClusterId, l.SchoolId, l.Version, l.OccurredAt, false)); break;
                case MentoringActivityLogged a: activities.Add(new(a.ActivityId, a.ClusterId, a.OccurredAt, a.ParticipantHours, a.StaffHours, a.CostEuro)); break;
                case LearnerEnrolled l: learning.Add(new(l.EnrolmentId, "enrolment", l.SchoolId, l.OccurredAt)); break;
                case CourseCompleted c: learning.Add(new(c.EnrolmentId, "completion", c.SchoolId, c.OccurredAt)); break;
                case ThreadStarted t: community.Add(new(t.ThreadId, "thread", t.Country, t.OccurredAt)); break;
                case PostPublished p: community.Add(new(p.PostId, "post", p.Country, p.OccurredAt)); break;
                case ResourceShared r: community.Add(new(r.ResourceId, "resource", r.Country, r.OccurredAt)); break;
            }
        }

        if (schools.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO school_facts (school_id, version, occurred_at, country, role, status)
                SELECT * FROM unnest({schools.Select(f => f.SchoolId).ToArray()}, {schools.Select(f => f.Version).ToArray()}, {schools.Select(f => f.OccurredAt).ToArray()},
                                     {schools.Select(f => f.Country).ToArray()}, {schools.Select(f => f.Role).ToArray()}, {schools.Select(f => f.Status).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (clusters.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO cluster_facts (cluster_id, country, approach, mentor_school_id, formed_at)
                SELECT * FROM unnest({clusters.Select(f => f.ClusterId).ToArray()}, {clusters.Select(f => f.Country).ToArray()}, {clusters.Select(f => f.Approach).ToArray()},
                                     {clusters.Select(f => f.MentorSchoolId).ToArray()}, {clusters.Select(f => f.FormedAt).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (states.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO cluster_state_facts (cluster_id, version, occurred_at, state)
                SELECT * FROM unnest({states.Select(f => f.ClusterId).ToArray()}, {states.Select(f => f.Version).ToArray()}, {states.Select(f => f.OccurredAt).ToArray()},
                                     {states.Select(f => f.State).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (members.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO membership_facts (cluster_id, school_id, version, occurred_at, is_member)
                SELECT * FROM unnest({members.Select(f => f.ClusterId).ToArray()}, {members.Select(f => f.SchoolId).ToArray()}, {members.Select(f => f.Version).ToArray()},
                                     {members.Select(f => f.OccurredAt).ToArray()}, {members.Select(f => f.IsMember).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (activities.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO activity_facts (activity_id, cluster_id, occurred_at, participant_hours, staff_hours, cost_euro)
                SELECT * FROM unnest({activities.Select(f => f.ActivityId).ToArray()}, {activities.Select(f => f.ClusterId).ToArray()}, {activities.Select(f => f.OccurredAt).ToArray()},
                                     {activities.Select(f => f.ParticipantHours).ToArray()}, {activities.Select(f => f.StaffHours).ToArray()}, {activities.Select(f => f.CostEuro).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (assessments.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO assessment_facts (assessment_id, school_id, occurred_at, assessed_on, maturity)
                SELECT * FROM unnest({assessments.Select(f => f.AssessmentId).ToArray()}, {assessments.Select(f => f.SchoolId).ToArray()}, {assessments.Select(f => f.OccurredAt).ToArray()},
                                     {assessments.Select(f => f.AssessedOn).ToArray()}, {assessments.Select(f => f.Maturity).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (learning.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO learning_facts (enrolment_id, kind, school_id, occurred_at)
                SELECT * FROM unnest({learning.Select(f => f.EnrolmentId).ToArray()}, {learning.Select(f => f.Kind).ToArray()}, {learning.Select(f => f.SchoolId).ToArray()},
                                     {learning.Select(f => f.OccurredAt).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
        if (community.Count > 0)
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO community_facts (subject_id, kind, country, occurred_at)
                SELECT * FROM unnest({community.Select(f => f.SubjectId).ToArray()}, {community.Select(f => f.Kind).ToArray()}, {community.Select(f => f.Country).ToArray()},
                                     {community.Select(f => f.OccurredAt).ToArray()})
                ON CONFLICT DO NOTHING
                """, ct);
    }
}
