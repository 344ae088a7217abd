// `ebb load` and `ebb load report`: CLI11 wiring and the run of one attack (load.h).
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>

#include "common/file_limit.h"
#include "load/attack.h"
#include "load/load.h"
#include "load/load_flags.h"
#include "load/plot.h"
#include "load/report.h"
#include "load/results_file.h"

namespace ebb::load {
namespace {

constexpr Nanos kInstancePollInterval = std::chrono::milliseconds(500);
constexpr size_t kPlotMaxPoints = 5000;

struct ReportFlags {
  std::string type = "text";
  std::string buckets;
  std::vector<std::string> files;
};

void DefineTargetFlags(CLI::App& app, LoadFlags& f) {
  app.add_option("url", f.url, "Target URL (http://host[:port]/path)");
  app.add_option("--url", f.url_flag, "Target URL (same as the argument)");
  app.add_option("-X,--method", f.method, "HTTP method (default GET)");
  app.add_option("-H,--header", f.headers, "Header 'Name: value' (repeatable); Host routes")
      ->allow_extra_args(false);
  app.add_option("--body", f.body_file, "File with the request body");
  app.add_option("--body-string", f.body_string, "The request body");
  app.add_option("--targets", f.targets_file, "Vegeta http targets file (- = stdin)");
}

void DefineLoadFlags(CLI::App& app, LoadFlags& f, CLI::Option*& rate) {
  rate = app.add_option("--rate", f.rate, "FREQ/DURATION, e.g. 50/1s, 50 (per second), 0 with -c");
  app.add_option("--duration", f.duration, "How long to send, e.g. 30s (default: until Ctrl-C)");
  app.add_option("-c,--concurrency", f.concurrency, "Closed loop with N workers (as hey -c)");
  app.add_option("-n,--requests", f.requests, "Stop after N requests");
  app.add_option("--connections", f.connections,
                 "Max open connections (default 10000 open loop, N with -c)");
  app.add_option("--timeout", f.timeout, "Per-request timeout (default 30s, 0 = none)");
  app.add_option("--keepalive", f.keepalive, "Reuse connections (default true)");
  app.add_option("--threads", f.threads, "Sender threads (default 1)");
}

void DefineOutputFlags(CLI::App& app, LoadFlags& f) {
  app.add_option("--report", f.report, "text (default), json, or hist[0,1ms,10ms,...]");
  app.add_option("--buckets", f.buckets, "Histogram buckets for --report json, e.g. [0,1ms,10ms]");
  app.add_option("--output", f.output, "Save every result (Vegeta JSON lines) to FILE");
  app.add_option("--plot", f.plot, "Write an HTML plot (latency and instances over time)");
  app.add_option("--instances", f.instances, "Write the instance counts over time as CSV");
  app.add_option("--title", f.title, "Title of the plot");
  app.add_option("--service", f.service, "ebb service whose instances to plot (default: Host)");
  app.add_option("--namespace", f.ns,
                 "Its namespace (default: from the Host, or the kubeconfig's)");
  app.add_option("--kubeconfig", f.kubeconfig, "kubeconfig for ebb's API");
  app.add_option("--data-dir", f.data_dir, "ebb's data directory (holds its kubeconfig)");
}

Status WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return Status(Code::kInternal, "cannot write " + path);
  return Status::Ok();
}

Status WriteResultsFile(const std::string& path, const ResultSet& results) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  WriteResults(results, out);
  out.close();
  if (!out) return Status(Code::kInternal, "cannot write " + path);
  return Status::Ok();
}

// Starts polling the service's instance counts when a plot or CSV wants them and they can be
// had; warns (once) when they cannot.
std::unique_ptr<InstancePoller> StartPoller(const LoadFlags& f, const std::vector<Target>& targets,
                                            Environment& env, std::string& subtitle) {
  if ((f.plot.empty() && f.instances.empty()) || !env.instance_counters) return nullptr;
  std::optional<InstanceSource> source = InstanceSourceFor(f, targets);
  if (!source) return nullptr;
  std::string name = (source->ns.empty() ? "" : source->ns + "/") + source->service;
  Result<InstanceCounter> counter = env.instance_counters(*source);
  if (!counter.ok()) {
    env.err << "ebb load: no instance counts for " << name << ": " << counter.status().message()
            << '\n';
    return nullptr;
  }
  subtitle = "Instances of service " + name + " read from ebb's API every 500 ms";
  return std::make_unique<InstancePoller>(std::move(*counter), kInstancePollInterval);
}

// Waits for the attack, printing progress on a terminal and turning Ctrl-C into Stop / Abort.
void Supervise(Attack& attack, LiveStats& live, Environment& env) {
  int handled = 0;
  Nanos tick =
      env.err_is_terminal ? std::chrono::milliseconds(250) : std::chrono::milliseconds(100);
  while (!attack.WaitFor(tick)) {
    int interrupts = env.interrupts ? env.interrupts->load() : 0;
    if (interrupts >= 1 && handled == 0) attack.Stop();
    if (interrupts >= 2 && handled < 2) attack.Abort();
    handled = std::max(handled, interrupts);
    if (env.err_is_terminal) {
      Nanos elapsed = env.clock.Steady() - attack.start();
      env.err << '\r' << FormatProgress(elapsed, live.Read()) << "\033[K" << std::flush;
    }
  }
  if (env.err_is_terminal) env.err << "\r\033[K" << std::flush;
}

Status WriteOutputs(const LoadFlags& f, const ResultSet& results, const InstancePoller* poller,
                    const PlotInput& plot_base) {
  if (!f.output.empty()) EBB_RETURN_IF_ERROR(WriteResultsFile(f.output, results));
  std::vector<InstanceSample> samples = poller ? poller->samples() : std::vector<InstanceSample>{};
  if (!f.instances.empty()) EBB_RETURN_IF_ERROR(WriteFile(f.instances, InstancesCsv(samples)));
  if (!f.plot.empty()) {
    PlotInput input = plot_base;
    input.instances = samples;
    EBB_RETURN_IF_ERROR(WriteFile(f.plot, PlotHtml(input)));
  }
  return Status::Ok();
}

int Fail(Environment& env, const Status& status) {
  env.err << "error: " << status.message() << '\n';
  return 1;
}

int RunAttack(const LoadFlags& f, Environment& env) {
  Result<ReportType> report = ParseReportType(f.report, f.buckets);
  if (!report.ok()) return Fail(env, report.status());
  Result<std::vector<Target>> targets = BuildTargets(f, env.in, env.in_is_terminal, ReadWholeFile);
  if (!targets.ok()) return Fail(env, targets.status());
  Result<AttackOptions> options = ToAttackOptions(f, *targets);
  if (!options.ok()) return Fail(env, options.status());
  LiveStats live;
  Result<std::unique_ptr<Attack>> attack = Attack::Prepare(std::move(*options), live);
  if (!attack.ok()) return Fail(env, attack.status());
  PlotInput plot;
  plot.title = f.title.empty() ? "ebb load: " + DescribeAttack(f, *targets) : f.title;
  std::unique_ptr<InstancePoller> poller = StartPoller(f, *targets, env, plot.subtitle);
  (*attack)->Start(env.clock);
  if (poller) poller->Start((*attack)->start());
  Supervise(**attack, live, env);
  ResultSet results = (*attack)->Finish();
  if (poller) poller->Stop();
  if (poller && !poller->first_error().empty() && poller->samples().empty()) {
    env.err << "ebb load: no instance counts: " << poller->first_error() << '\n';
  }
  plot.series = BuildSeries(results, (*attack)->start_unix_ns(), kPlotMaxPoints);
  Status written = WriteOutputs(f, results, poller.get(), plot);
  if (!written.ok()) return Fail(env, written);
  env.out << WriteReport(*report, results) << std::flush;
  return 0;
}

int RunReport(const ReportFlags& r, Environment& env) {
  Result<ReportType> type = ParseReportType(r.type, r.buckets);
  if (!type.ok()) return Fail(env, type.status());
  ResultSet results;
  if (r.files.empty()) {
    Status read = ReadResults(env.in, results);
    if (!read.ok()) return Fail(env, read);
  }
  for (const std::string& path : r.files) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Fail(env, Status(Code::kNotFound, "cannot read " + path));
    Status read = ReadResults(in, results);
    if (!read.ok()) return Fail(env, Status(read.code(), path + ": " + read.message()));
  }
  results.SortByTime();
  env.out << WriteReport(*type, results) << std::flush;
  return 0;
}

std::atomic<int> g_interrupts{0};

extern "C" void OnInterrupt(int) { g_interrupts.fetch_add(1); }

void InstallSignalHandlers() {
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

}  // namespace

int Run(const std::vector<std::string>& args, Environment& env) {
  CLI::App app(
      "Send HTTP load at a constant rate (as vegeta attack) or with N workers "
      "(as hey -c), and report as Vegeta does",
      "ebb load");
  LoadFlags f;
  ReportFlags r;
  CLI::Option* rate = nullptr;
  DefineTargetFlags(app, f);
  DefineLoadFlags(app, f, rate);
  DefineOutputFlags(app, f);
  CLI::App* report = app.add_subcommand("report", "Report results saved with --output");
  report->add_option("--type", r.type, "text (default), json, or hist[0,1ms,10ms,...]");
  report->add_option("--buckets", r.buckets, "Histogram buckets for --type json");
  report->add_option("files", r.files, "Result files (default: stdin)");
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  if (!reversed.empty()) reversed.pop_back();  // "load"
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, env.out, env.err);
  } catch (const CLI::ParseError& e) {
    env.err << "error: " << e.what() << "\nSee 'ebb load --help' for usage.\n";
    return 1;
  }
  if (report->parsed()) return RunReport(r, env);
  f.rate_given = rate->count() > 0;
  return RunAttack(f, env);
}

int Main(const std::vector<std::string>& args, InstanceCounterFactory instance_counters) {
  static const RealClock clock;
  InstallSignalHandlers();
  RaiseFileLimit();  // thousands of connections need as many descriptors
  Environment env{std::cout,
                  std::cerr,
                  std::cin,
                  isatty(STDERR_FILENO) != 0,
                  isatty(STDIN_FILENO) != 0,
                  clock,
                  std::move(instance_counters),
                  &g_interrupts};
  return Run(args, env);
}

}  // namespace ebb::load
