using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MenSI.Clusters.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialClusters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "clusters",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    cross_border = table.Column<bool>(type: "boolean", nullable: false),
                    mentor_school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    approach = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    initiation = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    participation = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    focus_themes = table.Column<List<string>>(type: "text[]", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    formed_on = table.Column<DateOnly>(type: "date", nullable: false),
                    activated_on = table.Column<DateOnly>(type: "date", nullable: true),
                    ended_on = table.Column<DateOnly>(type: "date", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    activity_count = table.Column<int>(type: "integer", nullable: false),
                    participant_hours = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    staff_hours = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    cost_euro = table.Column<decimal>(type: "numeric(14,2)", precision: 14, scale: 2, nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    incentives = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clusters", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    consumer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    handled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inbox_messages", x => new { x.event_id, x.consumer });
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_type = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "school_snapshots",
                columns: table => new
                {
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    membership_version = table.Column<int>(type: "integer", nullable: false),
                    profile_version = table.Column<int>(type: "integer", nullable: false),
                    first_assessment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    first_assessed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    first_maturity = table.Column<decimal>(type: "numeric(6,4)", precision: 6, scale: 4, nullable: true),
                    latest_assessment_id = table.Column<Guid>(type: "uuid", nullable: true),
                    latest_assessed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    latest_maturity = table.Column<decimal>(type: "numeric(6,4)", precision: 6, scale: 4, nullable: true),
                    latest_scores = table.Column<List<int>>(type: "integer[]", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_snapshots", x => x.school_id);
                });

            migrationBuilder.CreateTable(
                name: "cluster_members",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    left_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    flag = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    in_active_cluster = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cluster_members", x => x.id);
                    table.ForeignKey(
                        name: "fk_cluster_members_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "diary_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    written_on = table.Column<DateOnly>(type: "date", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    visibility = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_diary_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_diary_entries_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mentoring_activities",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    duration_hours = table.Column<decimal>(type: "numeric(6,2)", precision: 6, scale: 2, nullable: false),
                    outcomes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    evidence_links = table.Column<List<string>>(type: "text[]", nullable: false),
                    staff_count = table.Column<int>(type: "integer", nullable: false),
                    participant_hours = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    cost_euro = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    logged_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    logged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    materials_euro = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    other_euro = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    staff_hours = table.Column<decimal>(type: "numeric(10,2)", precision: 10, scale: 2, nullable: false),
                    substitution_euro = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    travel_euro = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    participants = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mentoring_activities", x => x.id);
                    table.ForeignKey(
                        name: "fk_mentoring_activities_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "plan_goals",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    selfie_area = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    paired_with_school_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    milestones = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plan_goals", x => x.id);
                    table.ForeignKey(
                        name: "fk_plan_goals_clusters_cluster_id",
                        column: x => x.cluster_id,
                        principalTable: "clusters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_cluster_members_one_active_cluster_per_mentee",
                table: "cluster_members",
                column: "school_id",
                unique: true,
                filter: "in_active_cluster AND role = 'Mentee'");

            migrationBuilder.CreateIndex(
                name: "ix_cluster_members_one_current_row",
                table: "cluster_members",
                columns: new[] { "cluster_id", "school_id" },
                unique: true,
                filter: "left_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_cluster_members_school_id",
                table: "cluster_members",
                column: "school_id");

            migrationBuilder.CreateIndex(
                name: "ix_clusters_approach",
                table: "clusters",
                column: "approach");

            migrationBuilder.CreateIndex(
                name: "ix_clusters_country_status",
                table: "clusters",
                columns: new[] { "country", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_clusters_mentor_school_id",
                table: "clusters",
                column: "mentor_school_id");

            migrationBuilder.CreateIndex(
                name: "ix_diary_entries_cluster_id_written_on_id",
                table: "diary_entries",
                columns: new[] { "cluster_id", "written_on", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_mentoring_activities_cluster_id_held_on_id",
                table: "mentoring_activities",
                columns: new[] { "cluster_id", "held_on", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_event_id",
                table: "outbox_messages",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_pending",
                table: "outbox_messages",
                column: "sequence",
                filter: "sent_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_plan_goals_cluster_id_school_id",
                table: "plan_goals",
                columns: new[] { "cluster_id", "school_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "cluster_members");

            migrationBuilder.DropTable(
                name: "diary_entries");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "mentoring_activities");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "plan_goals");

            migrationBuilder.DropTable(
                name: "school_snapshots");

            migrationBuilder.DropTable(
                name: "clusters");
        }
    }
}
