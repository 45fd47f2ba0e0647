using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace MenSI.Community.Data.Migrations
{
    /// <inheritdoc />
    public partial class PostIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_posts_created_at",
                table: "posts",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_posts_space_id_created_at",
                table: "posts",
                columns: new[] { "space_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_posts_created_at",
                table: "posts");

            migrationBuilder.DropIndex(
                name: "ix_posts_space_id_created_at",
                table: "posts");
        }
    }
}
