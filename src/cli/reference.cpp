// The command line's own description, rendered for other tools: a man page (vpcemu(1)) and
// shell completion for bash, zsh and fish, both walked from the same CLI11 definitions that
// `--help` prints, so none of them can disagree with the program.
#include "cli/reference.h"

#include <algorithm>
#include <ctime>

#include "util/text.h"

namespace vpcemu::cli {

namespace {

std::vector<const CLI::App*> verbs(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* a) { return !a->get_group().empty(); });
}

// roff text: backslashes and leading dots or quotes escaped.
std::string roff(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '\\')
      out += "\\e";
    else if (c == '-')
      out += "\\-";
    else
      out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string option_names(const CLI::Option* o) {
  std::string n;
  for (const auto& s : o->get_snames()) n += (n.empty() ? "-" : ", -") + s;
  for (const auto& l : o->get_lnames()) n += (n.empty() ? "--" : ", --") + l;
  return n;
}

// Words completed after a verb: its flags, and what its positional argument names.
std::vector<std::string> flags_of(const CLI::App* v) {
  std::vector<std::string> out;
  for (const auto* o : v->get_options())
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
  return out;
}

bool takes_file(const CLI::App* v) {
  for (const auto* o : v->get_options())
    if (o->get_positional() && o->get_name(true).find("FILE") != std::string::npos) return true;
  return false;
}

bool takes_name(const CLI::App* v) {
  for (const auto* o : v->get_options())
    if (o->get_positional() && o->get_name(true).find("NAME") != std::string::npos) return true;
  return false;
}

}  // namespace

std::string man_page(const CLI::App& app, const std::string& version) {
  std::string m;
  m += ".TH VPCEMU 1 \"\" \"vpcemu " + version + "\" \"User Commands\"\n";
  std::string what = app.get_description();
  if (what.rfind("vpcemu: ", 0) == 0) what = what.substr(8);
  m += ".SH NAME\nvpcemu \\- " + roff(what) + "\n";
  m += ".SH SYNOPSIS\n.B vpcemu\n[\\fB\\-\\-run\\-dir\\fR \\fIDIR\\fR] \\fICOMMAND\\fR "
       "[\\fIARGS\\fR...]\n";
  m += ".SH DESCRIPTION\n"
       "vpcemu builds the VPCs, subnets, route tables, security groups, network ACLs, gateways, "
       "endpoints, VPNs, Direct Connect links and transit gateways that a scenario file "
       "describes as real network namespaces, veth pairs, routes, nftables rulesets and "
       "daemons on one Linux machine, so that real applications run inside them and their "
       "packets meet AWS's rules. \\fBup\\fR, \\fBdown\\fR, \\fBexec\\fR and \\fBcheck\\fR need "
       "root; \\fBvalidate\\fR and \\fBplan\\fR do not.\n";
  m += ".SH OPTIONS\n";
  for (const auto* o : app.get_options()) {
    if (!o->nonpositional()) continue;
    std::string d = o->get_description();
    if (!o->get_default_str().empty()) d += " (default: " + o->get_default_str() + ")";
    m += ".TP\n.B " + roff(option_names(o)) + "\n" + roff(d) + "\n";
  }
  m += ".SH COMMANDS\n";
  for (const auto* v : verbs(app)) {
    std::string synopsis = v->get_name();
    for (const auto* o : v->get_options())
      if (o->get_positional()) synopsis += " " + o->get_name(true);
    m += ".SS " + roff(synopsis) + "\n" + roff(v->get_description()) + "\n";
    for (const auto* o : v->get_options()) {
      if (!o->nonpositional() || o->get_lnames() == std::vector<std::string>{"help"}) continue;
      std::string d = o->get_description();
      if (!o->get_default_str().empty()) d += " (default: " + o->get_default_str() + ")";
      m += ".TP\n.B " + roff(option_names(o)) + "\n" + roff(d) + "\n";
    }
    if (!v->get_footer().empty()) m += ".PP\n" + roff(v->get_footer()) + "\n";
  }
  m += ".SH EXIT STATUS\n0: done; 1: failed (a \\fBcheck\\fR expectation did not hold, a command "
       "could not be carried out); 2: the scenario or an argument is invalid.\n";
  m += ".SH FILES\n.TP\n.I /run/vpcemu/<scenario>/\nthe state of a running scenario: its "
       "plan, journal, daemons' configuration, sockets and logs (\\fB\\-\\-run\\-dir\\fR moves "
       "it).\n.TP\n.I /run/netns/<scenario>.*\nits network namespaces (\\fBip netns exec\\fR "
       "works on them).\n";
  m += ".SH SEE ALSO\n"
       "docs/scenario-reference.md (the scenario format), docs/aws-behaviours.md (the AWS "
       "behaviours reproduced), \\fBip\\-netns\\fR(8), \\fBnft\\fR(8)\n";
  return m;
}

std::string completion(const CLI::App& app, const std::string& shell) {
  const auto vs = verbs(app);
  std::vector<std::string> names;
  for (const auto* v : vs) names.push_back(v->get_name());
  if (shell == "fish") {
    std::string f = "# fish completion for vpcemu (vpcemu completion fish)\n";
    f += "complete -c vpcemu -f\n";
    f += "complete -c vpcemu -n __fish_use_subcommand -l run-dir -r -d 'state of running "
         "scenarios'\n";
    for (const auto* v : vs) {
      std::string d = v->get_description();
      std::replace(d.begin(), d.end(), '\'', ' ');
      f += "complete -c vpcemu -n __fish_use_subcommand -a " + v->get_name() + " -d '" + d + "'\n";
      const std::string when = "-n '__fish_seen_subcommand_from " + v->get_name() + "'";
      for (const auto* o : v->get_options())
        for (const auto& l : o->get_lnames()) {
          std::string od = o->get_description();
          std::replace(od.begin(), od.end(), '\'', ' ');
          f += "complete -c vpcemu " + when + " -l " + l + (od.empty() ? "" : " -d '" + od + "'") +
               "\n";
        }
      if (takes_file(v)) f += "complete -c vpcemu " + when + " -F\n";
      if (takes_name(v))
        f += "complete -c vpcemu " + when +
             " -a '(command ls /run/vpcemu 2>/dev/null)' -d 'running scenario'\n";
    }
    return f;
  }
  // bash (zsh loads the same function through bashcompinit)
  std::string b;
  if (shell == "zsh")
    b += "# zsh completion for vpcemu (vpcemu completion zsh)\nautoload -U +X "
         "bashcompinit && bashcompinit\n";
  else
    b += "# bash completion for vpcemu (vpcemu completion bash)\n";
  b += "_vpcemu() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} verb= i run=/run/vpcemu\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    case ${COMP_WORDS[i]} in\n"
       "      --run-dir) run=${COMP_WORDS[i + 1]}; ((i++)) ;;\n"
       "      -*) ;;\n"
       "      *) verb=${COMP_WORDS[i]}; break ;;\n"
       "    esac\n"
       "  done\n"
       "  if [[ -z $verb ]]; then\n"
       "    COMPREPLY=($(compgen -W '" +
       join(names, " ") +
       " --run-dir --version --help' -- \"$cur\"))\n"
       "    return\n"
       "  fi\n"
       "  local flags= files= scenarios=\n"
       "  case $verb in\n";
  for (const auto* v : vs) {
    b += "    " + v->get_name() + ") flags='" + join(flags_of(v), " ") + "'";
    if (takes_file(v)) b += "; files=1";
    if (takes_name(v)) b += "; scenarios=1";
    b += " ;;\n";
  }
  b += "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
       "    return\n"
       "  fi\n"
       "  COMPREPLY=()\n"
       "  [[ -n $scenarios ]] && COMPREPLY+=($(compgen -W \"$(command ls \"$run\" 2>/dev/null)\" "
       "-- \"$cur\"))\n"
       "  [[ -n $files ]] && COMPREPLY+=($(compgen -f -- \"$cur\"))\n"
       "  return 0\n"
       "}\n"
       "complete -o filenames -F _vpcemu vpcemu\n";
  return b;
}

}  // namespace vpcemu::cli
