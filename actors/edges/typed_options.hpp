#pragma once

// CLI11 options bound to typed values: each flag's text is parsed once, by
// the parser of its type, and a value it refuses becomes one line naming
// the flag, a short escaped excerpt of the value and what was expected.

#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "actors/edges/kafka.hpp"

namespace kscope::cli {

/// At most `limit` bytes of `text`, bytes outside printable ASCII as
/// \xNN: a value quoted in an error never reaches the terminal raw.
inline std::string excerpt(std::string_view text, size_t limit = 40) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < limit; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    }
  }
  return text.size() > limit ? out + "..." : out;
}

/// The name an error calls an option by: kcat's short one where kscope
/// shares kcat's flags (-b, -o, -X), else the long one.
inline std::string flag_name(const std::string& names) {
  auto first = names.substr(0, names.find(','));
  if (first == "-b" || first == "-o" || first == "-X")
    return first;
  return names.substr(names.rfind(',') + 1);
}

[[noreturn]] inline void refuse(const std::string& what) {
  throw CLI::ValidationError(what, CLI::ExitCodes::ValidationError);
}

/// Binds `names` to `target` through `parse` (text -> std::optional<T>);
/// a value it refuses is one line naming `flag`, the value and `expected`.
template <class T, class Parse>
CLI::Option* typed(CLI::App& cmd, const std::string& names, T& target,
                   Parse parse, const std::string& expected,
                   const std::string& help) {
  auto flag = flag_name(names);
  return cmd.add_option_function<std::string>(
    names,
    [&target, parse, flag, expected](const std::string& text) {
      auto value = parse(text);
      if (!value)
        refuse("invalid " + flag + " '" + excerpt(text) + "': expected "
               + expected);
      target = std::move(*value);
    },
    help);
}

/// The same for a repeatable option, collected into `target`.
template <class T, class Parse>
CLI::Option* typed_list(CLI::App& cmd, const std::string& names,
                        std::vector<T>& target, Parse parse,
                        const std::string& expected, const std::string& help) {
  auto flag = flag_name(names);
  return cmd.add_option_function<std::vector<std::string>>(
    names,
    [&target, parse, flag, expected](const std::vector<std::string>& texts) {
      target.clear();
      for (auto& text : texts) {
        auto value = parse(text);
        if (!value)
          refuse("invalid " + flag + " '" + excerpt(text) + "': expected "
                 + expected);
        target.push_back(std::move(*value));
      }
    },
    help);
}

/// A number in [lo, hi], whole text, no sign wrap-around.
template <class T>
auto number_in(T lo, T hi) {
  return [lo, hi](const std::string& text) -> std::optional<T> {
    T value{};
    auto end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || !(value >= lo && value <= hi))
      return std::nullopt;
    return value;
  };
}

/// A bootstrap list as -b takes it, or a refusal saying what is wrong.
inline std::optional<std::string> broker_list(const std::string& text) {
  if (auto why = check_brokers(text))
    refuse("invalid -b '" + excerpt(text) + "': " + *why);
  return text;
}

/// A topic name as -t takes it (Kafka's rule), or a refusal.
inline std::optional<std::string> topic_name(const std::string& text) {
  if (auto why = check_topic(text))
    refuse("invalid -t '" + excerpt(text) + "': " + *why);
  return text;
}

/// What is wrong with the config file named in `argv` (after --config),
/// naming the line: a control byte where TOML or INI text belongs (a
/// binary file, terminal escapes). Empty when nothing is, or no file.
inline std::string config_problem(int argc, const char* const* argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--config" && i + 1 < argc)
      path = argv[i + 1];
    else if (arg.rfind("--config=", 0) == 0)
      path = std::string{arg.substr(9)};
  }
  std::ifstream in{path, std::ios::binary};
  if (path.empty() || !in)
    return {};
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    for (char ch : line) {
      auto c = static_cast<unsigned char>(ch);
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
        return "--config " + excerpt(path, 200) + " line "
               + std::to_string(number) + ": control character "
               + excerpt(std::string_view{&ch, 1})
               + " where TOML or INI text belongs";
    }
    if (number > 100000)
      return "--config " + excerpt(path, 200) + ": over 100000 lines";
  }
  return {};
}

/// One clear line for CLI11's errors that are cryptic on their own.
inline std::string explain(const CLI::ParseError& e, int argc,
                           const char* const* argv) {
  std::string what = e.what();
  const std::string ini = "INI was not able to parse ";
  if (what.rfind(ini, 0) == 0) {
    auto key = what.substr(ini.size());
    auto dot = key.find('.');
    if (dot == std::string::npos)
      return "the config file has a line that is no key = value: '"
             + excerpt(key) + "'";
    auto section = excerpt(key.substr(0, dot));
    bool known = false;
    for (auto name :
         {"produce", "view", "run", "broker", "bench", "simulate", "alert"})
      known = known || section == name;
    if (!known || key.substr(dot + 1) == "++")
      return "unknown section [" + section
             + "] in the config file: expected [produce], [view], [run], "
               "[broker], [bench], [simulate] or [alert]";
    return "unknown key '" + excerpt(key.substr(dot + 1)) + "' in section ["
           + section
           + "] of the config file: keys are that subcommand's long option "
             "names";
  }
  if (what == "A subcommand is required") {
    for (int i = 1; i < argc; ++i) {
      std::string_view arg = argv[i];
      if (arg == "--config") {
        ++i;
        continue;
      }
      if (!arg.empty() && arg.front() != '-')
        return "unknown subcommand '" + excerpt(arg)
               + "': expected produce, view, run, broker, bench, simulate "
                 "or alert";
    }
    return "a subcommand is required: produce, view, run, broker, bench, "
           "simulate or alert";
  }
  return excerpt(what, 200);
}

} // namespace kscope::cli
