using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Policy.Data.Migrations
{
    /// <inheritdoc />
    public partial class SchoolFactsByCountry : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_school_facts_country_school_id",
                table: "school_facts",
                columns: new[] { "country", "school_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_school_facts_country_school_id",
                table: "school_facts");
        }
    }
}
