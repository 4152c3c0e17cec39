package org.dualflow.pipeline;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dualflow.ingest.FileInspection;
import org.dualflow.ingest.Ingest;
import org.dualflow.ingest.InputDiscovery;
import org.dualflow.ingest.InputFileException;
import org.dualflow.ingest.SourceCatalog;
import org.dualflow.ingest.SourceFormat;
import org.dualflow.reference.ReferenceData;
import org.dualflow.reference.ReferenceFiles;

/**
 * What a file is, before a run: which source's reader takes it (every bundled one is tried
 * unless a source is named), and what that reader makes of it ({@link FileInspection}). For a
 * file no reader takes, why each refused it. Reads on the driver only: no Spark.
 */
public final class Inspect {

  /**
   * One file.
   *
   * @param inspection what the first reader that takes the file makes of it; null if none does
   * @param alsoReadBy other sources whose readers take the file's header too
   * @param refusals for each reader that does not take the file, why
   * @param problem why the file could not be read through, once a reader took its header
   */
  public record Result(String uri, FileInspection inspection, List<String> alsoReadBy,
      Map<String, String> refusals, String problem) {
  }

  /** The order readers are tried in: the most specific headers first. */
  static final List<String> ORDER = List.of("comtrade", "comext", "gacc", "declarations");

  private Inspect() {
  }

  /**
   * @param locations files, directories or globs, relative to {@code cwd}
   * @param source the source to read them as; null: every bundled one, in {@link #ORDER}
   * @throws ConfigException when a location matches nothing or the source is unknown
   */
  public static List<Result> files(List<String> locations, String source, Path cwd,
      int examples) {
    ReferenceData reference = ReferenceData.load(new ReferenceFiles(null));
    Map<String, SourceFormat> formats;
    try {
      formats = SourceCatalog.resolve(source == null ? ORDER : List.of(source), Map.of(),
          reference.countries(), reference.fx());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("Invalid --source " + source + ": " + e.getMessage());
    }
    Map<String, String> hadoop = SparkSettings.hadoopSettings();
    List<Result> out = new ArrayList<>();
    for (String location : locations) {
      List<Ingest.InputRef> files;
      try {
        files = InputDiscovery.expand("inspect", JobConfig.resolve(location, cwd),
            SparkSettings.hadoopConf());
      } catch (InputDiscovery.NoMatchException e) {
        throw new ConfigException((e.getMessage().startsWith("the directory holds no")
            ? "Nothing to read in " : "Cannot find ") + location + ": " + e.getMessage()
            + (e.getMessage().startsWith("the directory holds no")
                ? " (subfolders are not read: name them)" : ""));
      }
      for (Ingest.InputRef file : files) {
        out.add(one(file, formats, hadoop, examples));
      }
    }
    return out;
  }

  private static Result one(Ingest.InputRef file, Map<String, SourceFormat> formats,
      Map<String, String> hadoop, int examples) {
    Map<String, String> refusals = new LinkedHashMap<>();
    List<String> takers = new ArrayList<>();
    for (Map.Entry<String, SourceFormat> f : formats.entrySet()) {
      try {
        Ingest.checkHeader(file, f.getValue(), hadoop);
        takers.add(f.getKey());
      } catch (InputFileException e) {
        refusals.put(f.getKey(), e.getMessage());
      }
    }
    if (takers.isEmpty()) {
      return new Result(file.uri(), null, List.of(), refusals, null);
    }
    String source = takers.get(0);
    try {
      FileInspection inspection = FileInspection.read(new Ingest.InputRef(source, file.uri(),
          file.sizeBytes()), formats.get(source), hadoop, examples);
      return new Result(file.uri(), inspection, takers.subList(1, takers.size()), refusals,
          null);
    } catch (InputFileException e) {
      return new Result(file.uri(), null, takers, refusals, e.getMessage());
    }
  }

  /**
   * Another bundled source whose reader takes the file's header, for the error of a file given
   * under the wrong key; null when none does.
   */
  static String otherSource(Ingest.InputRef file, ReferenceData reference,
      Map<String, String> hadoop) {
    List<String> others = ORDER.stream().filter(s -> !s.equals(file.source())).toList();
    Map<String, SourceFormat> formats = SourceCatalog.resolve(others, Map.of(),
        reference.countries(), reference.fx());
    for (Map.Entry<String, SourceFormat> f : formats.entrySet()) {
      try {
        Ingest.checkHeader(file, f.getValue(), hadoop);
        return f.getKey();
      } catch (InputFileException e) {
        // not this one either
      }
    }
    return null;
  }
}
