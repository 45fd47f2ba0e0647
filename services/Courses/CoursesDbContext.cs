using MenSI.Courses.Analytics;
using MenSI.Courses.Catalogue;
using MenSI.Courses.Credentials;
using MenSI.Courses.Learning;
using MenSI.Courses.Runs;
using MenSI.Courses.Schools;
using MenSI.ServiceDefaults.Messaging;
using Microsoft.EntityFrameworkCore;

namespace MenSI.Courses;

public sealed class CoursesDbContext(DbContextOptions<CoursesDbContext> options) : DbContext(options)
{
    public DbSet<Course> Courses => Set<Course>();
    public DbSet<CourseRun> Runs => Set<CourseRun>();
    public DbSet<Enrolment> Enrolments => Set<Enrolment>();
    public DbSet<LessonProgress> LessonProgress => Set<LessonProgress>();
    public DbSet<QuizAttempt> QuizAttempts => Set<QuizAttempt>();
    public DbSet<ModuleCount> ModuleCounts => Set<ModuleCount>();
    public DbSet<ModuleCountByCountry> ModuleCountsByCountry => Set<ModuleCountByCountry>();
    public DbSet<RunCount> RunCounts => Set<RunCount>();
    public DbSet<RunCountByCountry> RunCountsByCountry => Set<RunCountByCountry>();
    public DbSet<Credential> Credentials => Set<Credential>();
    public DbSet<IssuerKey> IssuerKeys => Set<IssuerKey>();
    public DbSet<SchoolCountry> SchoolCountries => Set<SchoolCountry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CoursesDbContext).Assembly);
        modelBuilder.HasSequence<long>(CredentialConfiguration.StatusIndexSequence).StartsAt(0).HasMin(0);
        modelBuilder.HasSequence<long>(LearningConfiguration.SequenceName);
        modelBuilder.AddOutboxAndInbox();
    }
}

internal sealed class CoursesDbContextFactory : MenSI.ServiceDefaults.Data.DesignTimeDbContextFactory<CoursesDbContext>;
