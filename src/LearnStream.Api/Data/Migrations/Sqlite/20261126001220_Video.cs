using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LearnStream.Api.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Video : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "lesson_videos",
                columns: table => new
                {
                    LessonId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    CourseId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    UploadId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    UploadExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    PlaybackId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Duration = table.Column<double>(type: "REAL", nullable: true),
                    AspectRatio = table.Column<string>(type: "TEXT", maxLength: 20, nullable: true),
                    Error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    SourceFile = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_lesson_videos", x => x.LessonId);
                });

            migrationBuilder.CreateTable(
                name: "video_events",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AssetId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_video_events", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_lesson_videos_AssetId",
                table: "lesson_videos",
                column: "AssetId");

            migrationBuilder.CreateIndex(
                name: "IX_lesson_videos_Provider_Status",
                table: "lesson_videos",
                columns: new[] { "Provider", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_lesson_videos_UploadId",
                table: "lesson_videos",
                column: "UploadId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_video_events_AssetId_Type",
                table: "video_events",
                columns: new[] { "AssetId", "Type" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "lesson_videos");

            migrationBuilder.DropTable(
                name: "video_events");
        }
    }
}
