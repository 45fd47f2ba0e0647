using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class SchoolApplications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "school_applications",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    country = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    national_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    profile_json = table.Column<string>(type: "jsonb", nullable: false),
                    motivation = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    requested_role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    contact_name = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true),
                    contact_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    contact_function = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    decision_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    decided_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: true),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_applications", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_school_applications_country_national_id",
                table: "school_applications",
                columns: new[] { "country", "national_id" },
                unique: true,
                filter: "status = 'Submitted'");

            migrationBuilder.CreateIndex(
                name: "ix_school_applications_country_status_submitted_at",
                table: "school_applications",
                columns: new[] { "country", "status", "submitted_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "school_applications");
        }
    }
}
