using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Community.Data.Migrations
{
    /// <inheritdoc />
    public partial class ThreadsHiddenIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_threads_hidden",
                table: "threads",
                column: "id",
                filter: "hidden");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_threads_hidden",
                table: "threads");
        }
    }
}
