using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class MembershipSearchAndMaturity : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The search key's function (and its extensions) must exist before the stored column that uses it.
            migrationBuilder.Sql(MenSI.Registry.Schools.SchoolSearch.CreateKeyFunctionSql);

            migrationBuilder.AddColumn<string>(
                name: "search_name",
                table: "schools",
                type: "text",
                nullable: false,
                computedColumnSql: "mensi_search_key(name)",
                stored: true);

            migrationBuilder.CreateTable(
                name: "school_changes",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    from = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    to = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    changed_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_school_changes", x => x.id);
                    table.ForeignKey(
                        name: "fk_school_changes_schools_school_id",
                        column: x => x.school_id,
                        principalTable: "schools",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "self_assessments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    school_id = table.Column<Guid>(type: "uuid", nullable: false),
                    assessed_on = table.Column<DateOnly>(type: "date", nullable: false),
                    leadership = table.Column<int>(type: "integer", nullable: false),
                    collaboration_and_networking = table.Column<int>(type: "integer", nullable: false),
                    infrastructure_and_equipment = table.Column<int>(type: "integer", nullable: false),
                    continuing_professional_development = table.Column<int>(type: "integer", nullable: false),
                    pedagogy_supports_and_resources = table.Column<int>(type: "integer", nullable: false),
                    pedagogy_implementation_in_the_classroom = table.Column<int>(type: "integer", nullable: false),
                    assessment_practices = table.Column<int>(type: "integer", nullable: false),
                    student_digital_competence = table.Column<int>(type: "integer", nullable: false),
                    submitted_by = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_self_assessments", x => x.id);
                    table.CheckConstraint("ck_self_assessments_scores", "leadership BETWEEN 1 AND 5 AND collaboration_and_networking BETWEEN 1 AND 5 AND infrastructure_and_equipment BETWEEN 1 AND 5 AND continuing_professional_development BETWEEN 1 AND 5 AND pedagogy_supports_and_resources BETWEEN 1 AND 5 AND pedagogy_implementation_in_the_classroom BETWEEN 1 AND 5 AND assessment_practices BETWEEN 1 AND 5 AND student_digital_competence BETWEEN 1 AND 5");
                    table.ForeignKey(
                        name: "fk_self_assessments_schools_school_id",
                        column: x => x.school_id,
                        principalTable: "schools",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_schools_search_name",
                table: "schools",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_school_changes_school_id_changed_at",
                table: "school_changes",
                columns: new[] { "school_id", "changed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_self_assessments_school_id_assessed_on_id",
                table: "self_assessments",
                columns: new[] { "school_id", "assessed_on", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "school_changes");

            migrationBuilder.DropTable(
                name: "self_assessments");

            migrationBuilder.DropIndex(
                name: "ix_schools_search_name",
                table: "schools");

            migrationBuilder.DropColumn(
                name: "search_name",
                table: "schools");
        }
    }
}
