using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Community.Data.Migrations
{
    /// <inheritdoc />
    public partial class ResourcesWebinarsTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "post_id",
                table: "reports",
                newName: "content_id");

            migrationBuilder.AddColumn<string>(
                name: "content_kind",
                table: "reports",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Post");

            migrationBuilder.AddColumn<bool>(
                name: "awaiting_approval",
                table: "posts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    space_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    licence = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    language = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: true),
                    shared_by = table.Column<Guid>(type: "uuid", nullable: true),
                    shared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    hidden = table.Column<bool>(type: "boolean", nullable: false),
                    awaiting_approval = table.Column<bool>(type: "boolean", nullable: false),
                    moderation_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    search_text = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resources", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "rsvps",
                columns: table => new
                {
                    webinar_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rsvps", x => new { x.webinar_id, x.member_id });
                });

            migrationBuilder.CreateTable(
                name: "webinars",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    space_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    duration_minutes = table.Column<int>(type: "integer", nullable: false),
                    capacity = table.Column<int>(type: "integer", nullable: false),
                    attending = table.Column<int>(type: "integer", nullable: false),
                    join_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    organiser_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_webinars", x => x.id);
                    table.CheckConstraint("ck_webinars_attending", "attending >= 0 AND attending <= capacity");
                });

            migrationBuilder.CreateIndex(
                name: "ix_reports_content_kind_content_id",
                table: "reports",
                columns: new[] { "content_kind", "content_id" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_shared_at",
                table: "resources",
                column: "shared_at");

            migrationBuilder.CreateIndex(
                name: "ix_resources_shared_by",
                table: "resources",
                column: "shared_by");

            migrationBuilder.CreateIndex(
                name: "ix_resources_space_id_shared_at",
                table: "resources",
                columns: new[] { "space_id", "shared_at" });

            migrationBuilder.CreateIndex(
                name: "ix_rsvps_member_id",
                table: "rsvps",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_webinars_space_id_created_at",
                table: "webinars",
                columns: new[] { "space_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_webinars_space_id_starts_at",
                table: "webinars",
                columns: new[] { "space_id", "starts_at" });

            // Resources are searched like posts (see InitialCommunity): a folded vector and a stemmed one, each GIN-indexed.
            migrationBuilder.Sql("""
                ALTER TABLE resources ADD COLUMN search_simple tsvector
                    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, community_unaccent(search_text))) STORED;
                ALTER TABLE resources ADD COLUMN search_stemmed tsvector
                    GENERATED ALWAYS AS (to_tsvector(community_ts_config(language), community_unaccent(search_text))) STORED;
                CREATE INDEX ix_resources_search_simple ON resources USING gin (search_simple);
                CREATE INDEX ix_resources_search_stemmed ON resources USING gin (search_stemmed);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "resources");

            migrationBuilder.DropTable(
                name: "rsvps");

            migrationBuilder.DropTable(
                name: "webinars");

            migrationBuilder.DropIndex(
                name: "ix_reports_content_kind_content_id",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "content_kind",
                table: "reports");

            migrationBuilder.DropColumn(
                name: "awaiting_approval",
                table: "posts");

            migrationBuilder.RenameColumn(
                name: "content_id",
                table: "reports",
                newName: "post_id");
        }
    }
}
