using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LearnStream.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class LearnerProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "learner_activity",
                columns: table => new
                {
                    CourseId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learner_activity", x => new { x.CourseId, x.Day, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "lesson_progress",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 80, nullable: false),
                    UserId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CourseId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    LessonId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Watched = table.Column<string>(type: "TEXT", nullable: false),
                    Sessions = table.Column<string>(type: "TEXT", nullable: false),
                    Duration = table.Column<double>(type: "REAL", nullable: true),
                    WatchedSeconds = table.Column<double>(type: "REAL", nullable: false),
                    Position = table.Column<double>(type: "REAL", nullable: false),
                    CompletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    FirstWatchedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastWatchedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lesson_progress", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lesson_progress_CourseId",
                table: "lesson_progress",
                column: "CourseId");

            migrationBuilder.CreateIndex(
                name: "IX_lesson_progress_UserId_CourseId",
                table: "lesson_progress",
                columns: new[] { "UserId", "CourseId" });

            migrationBuilder.CreateIndex(
                name: "IX_lesson_progress_UserId_LastWatchedAt",
                table: "lesson_progress",
                columns: new[] { "UserId", "LastWatchedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "learner_activity");

            migrationBuilder.DropTable(
                name: "lesson_progress");
        }
    }
}
