using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LearnStream.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AccessDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "AccessDays",
                table: "orders",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "AccessDays",
                table: "courses",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AccessDays",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "AccessDays",
                table: "courses");
        }
    }
}
