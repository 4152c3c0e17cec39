package org.dualflow.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.dualflow.ingest.FileInspection;
import org.dualflow.ingest.Survey;
import org.dualflow.pipeline.ConfigException;
import org.dualflow.pipeline.Inspect;

/**
 * {@code inspect FILE... [--source S]}: what each file is and what a run would make of it, in
 * seconds and without Spark. Exit 0 when every file is read by some source's reader, 3 when one
 * is not.
 */
final class InspectCommand {

  private InspectCommand() {
  }

  static int execute(List<String> args, PrintStream out, Path cwd) {
    String source = null;
    List<String> files = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--source")) {
        if (i + 1 >= args.size()) {
          throw new ConfigException("Invalid --source: it needs a source, like comext");
        }
        source = args.get(++i);
      } else if (a.startsWith("-")) {
        throw new ConfigException("Unknown option " + a + " for inspect; see jobs/dualflow help");
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      throw new ConfigException("Missing file: jobs/dualflow inspect <file or folder> ..., e.g. "
          + "jobs/dualflow inspect sample-data/comext");
    }
    boolean allRead = true;
    for (Inspect.Result r : Inspect.files(files, source, cwd, 3)) {
      out.println(r.uri());
      if (r.inspection() != null) {
        print(r.inspection(), r.alsoReadBy(), out);
      } else {
        allRead = false;
        if (r.problem() != null) {
          out.println("  read as " + String.join(" or ", r.alsoReadBy()) + ", but: "
              + r.problem());
        } else {
          out.println("  no reader takes it:");
          r.refusals().forEach((s, why) -> out.println("    " + s + ": " + why));
        }
      }
      out.println();
    }
    return allRead ? Main.OK : Main.INPUT;
  }

  private static String range(List<String> sorted) {
    String first = sorted.get(0);
    String last = sorted.get(sorted.size() - 1);
    return first.equals(last) ? first : first + " .. " + last;
  }

  private static void print(FileInspection f, List<String> alsoReadBy, PrintStream out) {
    out.println("  source     " + f.source() + "  (jobs: input." + f.source() + "=...)"
        + (alsoReadBy.isEmpty() ? "" : "; also readable as " + String.join(", ", alsoReadBy)));
    out.println("  read as    " + (f.gzip() ? "gzip, " : "") + f.encoding() + ", delimited by "
        + switch (f.delimiter()) {
          case '\t' -> "tabs";
          case ';' -> "semicolons";
          case ',' -> "commas";
          default -> "'" + f.delimiter() + "'";
        } + ", " + f.header().size() + " columns");
    List<String> columns = new ArrayList<>();
    f.columns().forEach((logical, header) -> columns.add(logical.equals(header) ? logical
        : logical + " <- " + header));
    out.println("  columns    " + String.join(", ", columns));
    out.printf("  records    %,d: %,d accepted, %,d rejected%n", f.records(), f.accepted(),
        f.records() - f.accepted());
    List<String> months = f.periods().keySet().stream().filter(k -> !k.contains("annual"))
        .toList();
    List<String> years = f.periods().keySet().stream().filter(k -> k.contains("annual"))
        .map(k -> k.substring(0, 4)).toList();
    if (!months.isEmpty()) {
      out.println("  months     " + range(months) + " (" + months.size() + ")");
    }
    if (!years.isEmpty()) {
      out.println("  years      " + range(years) + " (" + years.size() + ", annual records)");
    }
    for (Map.Entry<String, Long> r : f.rejected().entrySet()) {
      Survey.Example e = f.rejectExamples().get(r.getKey());
      out.printf("  rejected   %s %,d, e.g. line %d: %s%n", r.getKey(), r.getValue(), e.line(),
          e.reason());
    }
    for (String example : f.examples()) {
      out.println("  example    " + example);
    }
  }
}
