using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace MenSI.Policy.Data.Migrations
{
    /// <inheritdoc />
    public partial class InitialPolicy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "activity_facts",
                columns: table => new
                {
                    activity_id = table.Column<Guid>(type: "uuid", nullable: false),
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    participant_hours = table.Column<decimal>(type: "numeric", nullable: false),
                    staff_hours = table.Column<decimal>(type: "numeric", nullable: false),
                    cost_euro = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_activity_facts", x => x.activity_id);
                });

            migrationBuilder.CreateTable(
                name: "assessment_facts",
                columns: table => new
                {
                    assessment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assessed_on = table.Column<DateOnly>(type: "date", nullable: false),
                    maturity = table.Column<decimal>(type: "numeric", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assessment_facts", x => x.assessment_id);
                });

            migrationBuilder.CreateTable(
                name: "cluster_facts",
                columns: table => new
                {
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    country = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    approach = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    mentor_school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    formed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cluster_facts", x => x.cluster_id);
                });

            migrationBuilder.CreateTable(
                name: "cluster_state_facts",
                columns: table => new
                {
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    state = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_cluster_state_facts", x => new { x.cluster_id, x.version });
                });

            migrationBuilder.CreateTable(
                name: "comments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: true),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    body = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_comments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "community_facts",
                columns: table => new
                {
                    subject_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_community_facts", x => new { x.subject_id, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "document_versions",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    state = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    summary = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    body = table.Column<string>(type: "character varying(50000)", maxLength: 50000, nullable: false),
                    html = table.Column<string>(type: "text", nullable: false),
                    audience = table.Column<List<string>>(type: "text[]", nullable: false),
                    approach = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    cluster_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    evidence_links = table.Column<List<string>>(type: "text[]", nullable: false),
                    cited_snapshot_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    revision = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_versions", x => new { x.document_id, x.number });
                });

            migrationBuilder.CreateTable(
                name: "documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<Guid>(type: "uuid", nullable: true),
                    latest_version = table.Column<int>(type: "integer", nullable: false),
                    published_version = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "endorsements",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    officer_id = table.Column<Guid>(type: "uuid", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_endorsements", x => new { x.document_id, x.country });
                });

            migrationBuilder.CreateTable(
                name: "evidence_log",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_type = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    payload = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_evidence_log", x => x.event_id);
                });

            migrationBuilder.CreateTable(
                name: "exchange_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    held_on = table.Column<DateOnly>(type: "date", nullable: false),
                    countries = table.Column<List<string>>(type: "text[]", nullable: false),
                    agenda = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    outcomes = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    outcomes_html = table.Column<string>(type: "text", nullable: false),
                    document_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    recorded_by = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_exchange_sessions", x => x.id);
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
                name: "learning_facts",
                columns: table => new
                {
                    enrolment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_learning_facts", x => new { x.enrolment_id, x.kind });
                });

            migrationBuilder.CreateTable(
                name: "membership_facts",
                columns: table => new
                {
                    cluster_id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    is_member = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_membership_facts", x => new { x.cluster_id, x.school_id, x.version });
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
                    parked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_messages", x => x.sequence);
                });

            migrationBuilder.CreateTable(
                name: "school_facts",
                columns: table => new
                {
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    country = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_facts", x => new { x.school_id, x.version });
                });

            migrationBuilder.CreateTable(
                name: "snapshots",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    as_of = table.Column<DateOnly>(type: "date", nullable: false),
                    taken_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    taken_by = table.Column<Guid>(type: "uuid", nullable: true),
                    figures = table.Column<string>(type: "jsonb", nullable: false),
                    definitions = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_snapshots", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_activity_facts_cluster_id_occurred_at",
                table: "activity_facts",
                columns: new[] { "cluster_id", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "participant_hours", "staff_hours", "cost_euro" });

            migrationBuilder.CreateIndex(
                name: "ix_assessment_facts_school_id_assessed_on",
                table: "assessment_facts",
                columns: new[] { "school_id", "assessed_on" });

            migrationBuilder.CreateIndex(
                name: "ix_cluster_facts_country_approach",
                table: "cluster_facts",
                columns: new[] { "country", "approach" });

            migrationBuilder.CreateIndex(
                name: "ix_comments_document_id_at",
                table: "comments",
                columns: new[] { "document_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_community_facts_country_occurred_at",
                table: "community_facts",
                columns: new[] { "country", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_country_kind",
                table: "documents",
                columns: new[] { "country", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_evidence_log_sequence",
                table: "evidence_log",
                column: "sequence",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_exchange_sessions_held_on",
                table: "exchange_sessions",
                column: "held_on");

            migrationBuilder.CreateIndex(
                name: "ix_inbox_handled_at",
                table: "inbox_messages",
                column: "handled_at");

            migrationBuilder.CreateIndex(
                name: "ix_learning_facts_school_id_occurred_at",
                table: "learning_facts",
                columns: new[] { "school_id", "occurred_at" })
                .Annotation("Npgsql:IndexInclude", new[] { "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_outbox_messages_event_id",
                table: "outbox_messages",
                column: "event_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_outbox_pending",
                table: "outbox_messages",
                column: "sequence",
                filter: "sent_at IS NULL AND parked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_sent_at",
                table: "outbox_messages",
                column: "sent_at",
                filter: "sent_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_snapshots_taken_at",
                table: "snapshots",
                column: "taken_at");

            // Published content is searched with accents and case ignored (the network writes in seven languages).
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS unaccent;
                CREATE FUNCTION policy_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
                    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
                ALTER TABLE document_versions ADD COLUMN search tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, policy_unaccent(search_text))) STORED;
                CREATE INDEX ix_document_versions_search ON document_versions USING gin (search);
                """);

            // A snapshot is evidence a recommendation cites: the database itself refuses to change or delete one.
            migrationBuilder.Sql("""
                CREATE FUNCTION policy_snapshots_are_immutable() RETURNS trigger LANGUAGE plpgsql
                    AS $$ BEGIN RAISE EXCEPTION 'snapshots never change: % refused', TG_OP; END $$;
                CREATE TRIGGER snapshots_are_immutable BEFORE UPDATE OR DELETE ON snapshots
                    FOR EACH ROW EXECUTE FUNCTION policy_snapshots_are_immutable();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS snapshots_are_immutable ON snapshots; DROP FUNCTION IF EXISTS policy_snapshots_are_immutable();
                DROP FUNCTION IF EXISTS policy_unaccent(text);
                """);
            migrationBuilder.DropTable(
                name: "activity_facts");

            migrationBuilder.DropTable(
                name: "assessment_facts");

            migrationBuilder.DropTable(
                name: "cluster_facts");

            migrationBuilder.DropTable(
                name: "cluster_state_facts");

            migrationBuilder.DropTable(
                name: "comments");

            migrationBuilder.DropTable(
                name: "community_facts");

            migrationBuilder.DropTable(
                name: "document_versions");

            migrationBuilder.DropTable(
                name: "documents");

            migrationBuilder.DropTable(
                name: "endorsements");

            migrationBuilder.DropTable(
                name: "evidence_log");

            migrationBuilder.DropTable(
                name: "exchange_sessions");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "learning_facts");

            migrationBuilder.DropTable(
                name: "membership_facts");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "school_facts");

            migrationBuilder.DropTable(
                name: "snapshots");
        }
    }
}
