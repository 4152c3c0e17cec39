package org.dualflow.reference;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Where reference files come from: a file in the job's {@code reference.dir} when it has one of
 * that name, otherwise the copy bundled in the jar under {@code dualflow/reference/}.
 */
public final class ReferenceFiles {

  private static final Logger LOG = LogManager.getLogger(ReferenceFiles.class);
  private static final String BUNDLED = "dualflow/reference/";

  private final Path overrideDir;

  /** @param overrideDir directory whose files replace bundled ones, or null for bundled only */
  public ReferenceFiles(Path overrideDir) {
    this.overrideDir = overrideDir;
  }

  /** Human-readable location of {@code relative}, for messages. */
  public String describe(String relative) {
    Path p = override(relative);
    return p != null ? p.toString() : "bundled " + BUNDLED + relative;
  }

  /** Code-list files: every {@code code-lists/*.csv}, bundled and overriding, by file name. */
  public List<String> codeListFiles() {
    List<String> names = new ArrayList<>(List.of("code-lists/chpl.csv"));
    if (overrideDir != null && Files.isDirectory(overrideDir.resolve("code-lists"))) {
      try (Stream<Path> files = Files.list(overrideDir.resolve("code-lists"))) {
        files.map(p -> "code-lists/" + p.getFileName())
            .filter(n -> n.endsWith(".csv") && !names.contains(n))
            .sorted()
            .forEach(names::add);
      } catch (IOException e) {
        throw new ReferenceDataException("Cannot list " + overrideDir.resolve("code-lists")
            + ": " + e.getMessage(), e);
      }
    }
    return names;
  }

  /**
   * Reads a CSV file with a header row and hands each record to {@code sink}; checks that the
   * header has every column in {@code required}.
   */
  public void readCsv(String relative, List<String> required, Consumer<CSVRecord> sink) {
    String where = describe(relative);
    try (Reader reader = open(relative);
        CSVParser parser = CSVFormat.RFC4180.builder()
            .setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
      List<String> header = parser.getHeaderNames();
      for (String column : required) {
        if (!header.contains(column)) {
          throw new ReferenceDataException("Invalid reference file " + where + ": missing column "
              + column + " (header has " + header + ")");
        }
      }
      for (CSVRecord record : parser) {
        try {
          sink.accept(record);
        } catch (IllegalArgumentException e) {
          throw new ReferenceDataException("Invalid reference file " + where + " line "
              + record.getParser().getCurrentLineNumber() + ": " + e.getMessage(), e);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new ReferenceDataException("Cannot read reference file " + where + ": "
          + e.getMessage(), e);
    }
  }

  private Reader open(String relative) throws IOException {
    Path p = override(relative);
    if (p != null) {
      LOG.info("Reference {} from {}", relative, p);
      return Files.newBufferedReader(p, StandardCharsets.UTF_8);
    }
    InputStream in = ReferenceFiles.class.getClassLoader().getResourceAsStream(BUNDLED + relative);
    if (in == null) {
      throw new IOException("not found (neither in reference.dir nor bundled)");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  private Path override(String relative) {
    if (overrideDir == null) {
      return null;
    }
    Path p = overrideDir.resolve(relative);
    return Files.exists(p) ? p : null;
  }
}
