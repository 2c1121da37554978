// Test support: runs a program with arguments and standard input, and
// collects its exit code, standard output and standard error, the way the
// bpf_conformance runner (and a shell user) drives sandbpf's executables.
// POSIX (fork, exec, poll) and Windows (CreateProcess, pipes read by
// threads); header-only so the conformance and CLI tests share it.
#pragma once

#if defined(_WIN32)
#include <windows.h>

#include <functional>
#include <thread>
#else
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace sandbpf::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number when killed by a signal
  std::string out;
  std::string err;
  bool timed_out = false;
};

#if defined(_WIN32)

// One argument as the C runtime's command-line parser reads it back:
// quoted, with backslashes doubled before a quote and quotes escaped.
inline std::string quote_windows_argument(const std::string& arg) {
  std::string out = "\"";
  size_t backslashes = 0;
  for (char c : arg) {
    if (c == '\\') {
      ++backslashes;
      continue;
    }
    out.append(c == '"' ? backslashes * 2 + 1 : backslashes, '\\');
    backslashes = 0;
    out += c;
  }
  out.append(backslashes * 2, '\\');
  return out + "\"";
}

inline ProcessResult run_process(const std::vector<std::string>& argv, std::string_view input = {},
                                 std::chrono::seconds timeout = std::chrono::seconds(60)) {
  ProcessResult result;
  SECURITY_ATTRIBUTES inherit{sizeof(SECURITY_ATTRIBUTES), nullptr, TRUE};
  HANDLE in_read, in_write, out_read, out_write, err_read, err_write;
  if (!::CreatePipe(&in_read, &in_write, &inherit, 0) || !::CreatePipe(&out_read, &out_write, &inherit, 0) ||
      !::CreatePipe(&err_read, &err_write, &inherit, 0)) {
    result.err = "CreatePipe failed";
    return result;
  }
  // The child inherits only its own ends.
  for (HANDLE ours : {in_write, out_read, err_read}) ::SetHandleInformation(ours, HANDLE_FLAG_INHERIT, 0);

  std::string command_line;
  for (const std::string& arg : argv) command_line += (command_line.empty() ? "" : " ") + quote_windows_argument(arg);
  STARTUPINFOA startup{};
  startup.cb = sizeof startup;
  startup.dwFlags = STARTF_USESTDHANDLES;
  startup.hStdInput = in_read;
  startup.hStdOutput = out_write;
  startup.hStdError = err_write;
  PROCESS_INFORMATION process{};
  const BOOL started = ::CreateProcessA(argv[0].c_str(), command_line.data(), nullptr, nullptr, TRUE,
                                        CREATE_NO_WINDOW, nullptr, nullptr, &startup, &process);
  for (HANDLE theirs : {in_read, out_write, err_write}) ::CloseHandle(theirs);
  if (!started) {
    for (HANDLE ours : {in_write, out_read, err_read}) ::CloseHandle(ours);
    result.err = "CreateProcess failed for " + argv[0] + " (error " + std::to_string(::GetLastError()) + ")";
    return result;
  }
  // Pipes block: one thread each, so a child filling one pipe while we
  // write another cannot deadlock.
  std::thread writer([&] {
    DWORD n = 0;
    for (size_t done = 0; done < input.size(); done += n)
      if (!::WriteFile(in_write, input.data() + done, static_cast<DWORD>(input.size() - done), &n, nullptr)) break;
    ::CloseHandle(in_write);
  });
  const auto drain = [](HANDLE from, std::string& into) {
    char buffer[4096];
    DWORD n = 0;
    while (::ReadFile(from, buffer, sizeof buffer, &n, nullptr) && n > 0) into.append(buffer, n);
  };
  std::thread out_reader(drain, out_read, std::ref(result.out));
  std::thread err_reader(drain, err_read, std::ref(result.err));
  if (::WaitForSingleObject(process.hProcess, static_cast<DWORD>(timeout.count() * 1000)) != WAIT_OBJECT_0) {
    result.timed_out = true;
    ::TerminateProcess(process.hProcess, 137);
    ::WaitForSingleObject(process.hProcess, INFINITE);
  }
  writer.join();
  out_reader.join();
  err_reader.join();
  ::CloseHandle(out_read);
  ::CloseHandle(err_read);
  DWORD code = 0;
  ::GetExitCodeProcess(process.hProcess, &code);
  result.exit_code = static_cast<int>(code);
  ::CloseHandle(process.hThread);
  ::CloseHandle(process.hProcess);
  return result;
}

#else

inline ProcessResult run_process(const std::vector<std::string>& argv, std::string_view input = {},
                                 std::chrono::seconds timeout = std::chrono::seconds(60)) {
  ProcessResult result;
  // A child that exits without reading its input must not kill us.
  ::signal(SIGPIPE, SIG_IGN);

  int in[2], out[2], err[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0 || ::pipe(err) != 0) {
    result.err = "pipe failed";
    return result;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.err = "fork failed";
    return result;
  }
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
    std::vector<char*> args;
    for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);

  int in_fd = in[1];
  size_t written = 0;
  if (input.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  int out_fd = out[0];
  int err_fd = err[0];
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (in_fd >= 0 || out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{in_fd, POLLOUT, 0}, {out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    const int ready = ::poll(fds, 3, static_cast<int>(left.count()));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    if (in_fd >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t n = ::write(in_fd, input.data() + written, input.size() - written);
      if (n > 0) written += static_cast<size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = input.size();
      if (written == input.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
    const auto drain = [](int& fd, short revents, std::string& into) {
      if (fd < 0 || !(revents & (POLLIN | POLLHUP | POLLERR))) return;
      char buffer[4096];
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n > 0) {
        into.append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(fd);
        fd = -1;
      }
    };
    drain(out_fd, fds[1].revents, result.out);
    drain(err_fd, fds[2].revents, result.err);
  }
  for (int fd : {in_fd, out_fd, err_fd})
    if (fd >= 0) ::close(fd);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) result.exit_code = 128 + WTERMSIG(status);
  return result;
}

#endif

}  // namespace sandbpf::testing
