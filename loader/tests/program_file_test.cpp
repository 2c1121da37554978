// Program files are recognised by their content.
#include "loader/program_file.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace sandbpf {
namespace {

std::vector<uint8_t> bytes_of(std::string_view s) { return {s.begin(), s.end()}; }

TEST(ProgramFile, ElfIsRecognisedByItsMagic) {
  EXPECT_EQ(detect_program_file_kind(bytes_of("\x7f" "ELF\x02\x01\x01")), ProgramFileKind::kElf);
  EXPECT_EQ(detect_program_file_kind(bytes_of("\x7f" "ELF")), ProgramFileKind::kElf);
  EXPECT_NE(detect_program_file_kind(bytes_of("\x7f" "EL")), ProgramFileKind::kElf);
}

TEST(ProgramFile, PrintableTextIsAssembly) {
  EXPECT_EQ(detect_program_file_kind(bytes_of("mov32 %r0, 1\r\n\texit\n")),
            ProgramFileKind::kAssembly);
  EXPECT_EQ(detect_program_file_kind(bytes_of("# r\xc3\xa9sum\xc3\xa9 \xe2\x86\x92 0\nexit\n")),
            ProgramFileKind::kAssembly);  // UTF-8 in a comment
  EXPECT_EQ(detect_program_file_kind({}), ProgramFileKind::kAssembly);
}

TEST(ProgramFile, EverythingElseIsRaw) {
  // exit as a raw slot: zero bytes are not text.
  EXPECT_EQ(detect_program_file_kind(std::vector<uint8_t>{0x95, 0, 0, 0, 0, 0, 0, 0}),
            ProgramFileKind::kRaw);
  // Bytes above 0x7f that are no UTF-8.
  EXPECT_EQ(detect_program_file_kind(bytes_of("exit\xff")), ProgramFileKind::kRaw);
  EXPECT_EQ(detect_program_file_kind(bytes_of("exit\xc3")), ProgramFileKind::kRaw);
}

TEST(ProgramFile, ReadsWholeFiles) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("sandbpf_program_file_test_" + std::to_string(::getpid()) + ".bin");
  std::string content(100000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 7);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  auto bytes = read_file_bytes(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(bytes.has_value()) << bytes.error().message;
  EXPECT_EQ(*bytes, bytes_of(content));
}

TEST(ProgramFile, MissingFileNamesThePathAndTheReason) {
  const std::string path = "/nonexistent/sandbpf/program.o";
  auto bytes = read_file_bytes(path);
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message, std::string("cannot open: ") + std::strerror(ENOENT));
  EXPECT_EQ(bytes.error().where.file, path);
  EXPECT_EQ(bytes.error().kind, ErrorKind::kLoad);
}

TEST(ProgramFile, DirectoryCannotBeRead) {
  auto bytes = read_file_bytes(std::filesystem::temp_directory_path().string());
  ASSERT_FALSE(bytes.has_value());
  EXPECT_EQ(bytes.error().message.rfind("cannot ", 0), 0u) << bytes.error().message;
}

}  // namespace
}  // namespace sandbpf
