using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Registry.Data.Migrations
{
    /// <inheritdoc />
    public partial class DirectoryOrderIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_schools_country_name_id",
                table: "schools",
                columns: new[] { "country", "name", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "search_name" });

            migrationBuilder.CreateIndex(
                name: "ix_schools_name_id",
                table: "schools",
                columns: new[] { "name", "id" })
                .Annotation("Npgsql:IndexInclude", new[] { "search_name" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_schools_country_name_id",
                table: "schools");

            migrationBuilder.DropIndex(
                name: "ix_schools_name_id",
                table: "schools");
        }
    }
}
