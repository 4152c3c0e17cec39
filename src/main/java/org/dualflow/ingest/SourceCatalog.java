package org.dualflow.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.dualflow.reference.Countries;
import org.dualflow.reference.Fx;

/**
 * The formats a run reads: Comtrade (its own adapter) and every source with a mapping, either
 * bundled ({@code schemas/sources/<source>.properties}) or given by the job
 * ({@code input.<source>.mapping=<file>}).
 */
public final class SourceCatalog {

  private static final String BUNDLED = "dualflow/schemas/sources/";

  private SourceCatalog() {
  }

  /**
   * @param options per source, the job's {@code input.<source>.<option>} settings
   * @throws IllegalArgumentException naming the source or option and the fix
   */
  public static Map<String, SourceFormat> resolve(Iterable<String> sources,
      Map<String, Map<String, String>> options, Countries countries, Fx fx) {
    Map<String, SourceFormat> formats = new LinkedHashMap<>();
    for (String source : sources) {
      Map<String, String> set = new LinkedHashMap<>(options.getOrDefault(source, Map.of()));
      if (source.equals(ComtradeFormat.NAME) && !set.containsKey("mapping")) {
        if (!set.isEmpty()) {
          throw new IllegalArgumentException("input.comtrade." + set.keySet().iterator().next()
              + " is not an option: the Comtrade reader has none");
        }
        formats.put(source, new ComtradeFormat(countries));
        continue;
      }
      String mappingFile = set.remove("mapping");
      SourceMapping mapping = mappingFile != null ? fromFile(source, Path.of(mappingFile))
          : bundled(source);
      for (String option : set.keySet()) {
        if (!mapping.options().containsKey(option)) {
          throw new IllegalArgumentException("input." + source + "." + option + " is not an "
              + "option of " + source + "; its options: mapping"
              + (mapping.options().isEmpty() ? "" : ", " + String.join(", ",
                  new TreeSet<>(mapping.options().keySet()))));
        }
      }
      formats.put(source, new MappedFormat(mapping, set, countries, fx));
    }
    return formats;
  }

  /** Sources a job can name without a mapping file of its own. */
  public static java.util.List<String> known() {
    return java.util.List.of("comext", "comtrade", "declarations", "gacc");
  }

  /** True when the jar carries a mapping for {@code source} (or it is Comtrade). */
  public static boolean isKnown(String source) {
    return source.equals(ComtradeFormat.NAME) || SourceCatalog.class.getClassLoader()
        .getResource(BUNDLED + source + ".properties") != null;
  }

  /** The bundled mapping of a source. */
  public static SourceMapping bundled(String source) {
    String resource = BUNDLED + source + ".properties";
    try (InputStream in = SourceCatalog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("input." + source + " names no known source: there "
            + "is no mapping schemas/sources/" + source + ".properties; give one with input."
            + source + ".mapping=<file>");
      }
      return read(source, new InputStreamReader(in, StandardCharsets.UTF_8), resource);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read mapping " + resource + ": " + e.getMessage());
    }
  }

  private static SourceMapping fromFile(String source, Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(source, in, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read mapping " + file + " (input." + source
          + ".mapping): " + e.getMessage());
    }
  }

  private static SourceMapping read(String source, Reader in, String where) {
    SourceMapping m = SourceMapping.parse(in, where);
    if (!m.source().equals(source)) {
      throw new IllegalArgumentException("Invalid mapping " + where + ": it says source = "
          + m.source() + " but is used for input." + source);
    }
    return m;
  }
}
