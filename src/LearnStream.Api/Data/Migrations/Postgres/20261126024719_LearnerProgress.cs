using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LearnStream.Api.Data.Migrations.Postgres
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
                    CourseId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_learner_activity", x => new { x.CourseId, x.Day, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "lesson_progress",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    UserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CourseId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    LessonId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Watched = table.Column<string>(type: "text", nullable: false),
                    Sessions = table.Column<string>(type: "text", nullable: false),
                    Duration = table.Column<double>(type: "double precision", nullable: true),
                    WatchedSeconds = table.Column<double>(type: "double precision", nullable: false),
                    Position = table.Column<double>(type: "double precision", nullable: false),
                    CompletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    FirstWatchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    LastWatchedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
