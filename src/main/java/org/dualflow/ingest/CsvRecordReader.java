package org.dualflow.ingest;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Streams RFC 4180 records from a character stream and keeps, for each record, what quarantine
 * needs: the physical line it starts on and its raw text.
 *
 * <p>Why not a library: Spark's CSV reader reports neither line numbers nor field-count errors,
 * and Commons CSV cannot give back a record's raw text. This reader handles quoted fields with
 * commas, doubled quotes and line breaks inside, CRLF, LF and lone CR line ends, and skips blank
 * lines (they are not records).
 *
 * <p>Hazard it contains instead of propagating: an unterminated quote would otherwise swallow the
 * rest of the file into one record. When a quoted field runs to the end of the input, or a record
 * grows beyond {@code maxRecordChars}, the reader returns only the physical line the record
 * starts on, flagged with {@link #problem()}, and carries on with the next line.
 *
 * <p>Fields are materialised lazily ({@link #field(int)}), so columns nobody reads cost nothing.
 * Values from {@link #field(int)} and {@link #rawText()} must be taken before {@link #next()}.
 */
public final class CsvRecordReader implements RecordReader {

  public static final int DEFAULT_MAX_RECORD_CHARS = 1 << 20;

  private final Reader in;
  private final char delimiter;
  private final int maxRecordChars;
  private char[] buf = new char[64 * 1024];
  private int limit;          // chars valid in buf
  private int pos;            // start of the unread input
  private boolean eof;

  private long nextLine;      // physical line number at pos
  private long discarded;     // chars dropped from the front of buf: input offset of buf[0]
  private long recordLine;
  private int recordStart;
  private int recordEnd;      // exclusive, before the line terminator
  private String problem;
  private boolean overLimit;  // the current record was cut at maxRecordChars

  private int fieldCount;
  private int[] starts = new int[64];
  private int[] ends = new int[64];
  private boolean[] quoted = new boolean[64];

  public CsvRecordReader(Reader in) {
    this(in, ',', DEFAULT_MAX_RECORD_CHARS);
  }

  public CsvRecordReader(Reader in, int maxRecordChars) {
    this(in, ',', maxRecordChars);
  }

  /** The field separator this reader splits on. */
  @Override
  public char delimiter() {
    return delimiter;
  }

  /** @param delimiter the field separator: a comma, semicolon or tab; never a quote */
  public CsvRecordReader(Reader in, char delimiter, int maxRecordChars) {
    this(in, delimiter, maxRecordChars, 1);
  }

  /**
   * A reader whose input starts on physical line {@code firstLine} of a file: a split of it
   * that starts where a record starts (see {@link FileSplits}).
   */
  CsvRecordReader(Reader in, char delimiter, int maxRecordChars, long firstLine) {
    this.in = in;
    this.delimiter = delimiter;
    this.maxRecordChars = maxRecordChars;
    this.nextLine = firstLine;
  }

  /** Advances to the next record; false at the end of the input. */
  @Override
  public boolean next() throws IOException {
    compact();
    while (true) {
      if (!available(pos)) {
        return false;
      }
      char c = buf[pos];
      if (c == '\n' || c == '\r') {   // a blank line is not a record
        pos = afterLineEnd(pos);
        nextLine++;
        continue;
      }
      return parseRecord();
    }
  }

  /** Physical line number (1-based) on which the current record starts. */
  @Override
  public long lineNumber() {
    return recordLine;
  }

  /** Offset of the current record's first char in the input (chars read before it). */
  long recordOffset() {
    return discarded + recordStart;
  }

  /**
   * True when the current record was given up at {@code maxRecordChars} (see
   * {@link #problem()}): where that happens depends on how many chars the bytes decode to.
   */
  boolean overLimit() {
    return overLimit;
  }

  /** The record as it stood in the input, without its line terminator. */
  @Override
  public String rawText() {
    return new String(buf, recordStart, recordEnd - recordStart);
  }

  /** Null for a well-formed record, otherwise why the record could not be split reliably. */
  @Override
  public String problem() {
    return problem;
  }

  @Override
  public int fieldCount() {
    return fieldCount;
  }

  /** Field {@code i} with enclosing quotes removed and doubled quotes collapsed. */
  @Override
  public String field(int i) {
    if (i < 0 || i >= fieldCount) {
      throw new IndexOutOfBoundsException("field " + i + " of " + fieldCount);
    }
    int s = starts[i];
    int e = ends[i];
    if (!quoted[i]) {
      return new String(buf, s, e - s);
    }
    StringBuilder sb = new StringBuilder(e - s);
    for (int k = s; k < e; k++) {
      char c = buf[k];
      sb.append(c);
      if (c == '"' && k + 1 < e && buf[k + 1] == '"') {
        k++;
      }
    }
    return sb.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private boolean parseRecord() throws IOException {
    recordStart = pos;
    recordLine = nextLine;
    problem = null;
    overLimit = false;
    fieldCount = 0;
    long breaksInside = 0;
    int p = pos;
    while (true) {
      if (!available(p)) {             // input ends right after a separator
        addField(p, p, false);
        return finish(p, p, breaksInside);
      }
      if (buf[p] == '"') {
        int contentStart = p + 1;
        int q = contentStart;
        while (true) {
          if (!available(q)) {
            return singleLine("quoted field not closed before the end of the file");
          }
          if (q - recordStart > maxRecordChars) {
            overLimit = true;
            return singleLine("quoted field longer than " + maxRecordChars
                + " characters (is a closing quote missing?)");
          }
          char c = buf[q];
          if (c == '"') {
            if (available(q + 1) && buf[q + 1] == '"') {
              q += 2;
              continue;
            }
            break;
          }
          if (c == '\n' || c == '\r') {
            q = afterLineEnd(q);
            breaksInside++;
            continue;
          }
          q++;
        }
        int contentEnd = q;
        q++;                           // past the closing quote
        if (available(q) && !isFieldEnd(buf[q])) {
          // Lenient: keep the text up to the next separator, but flag the record.
          problem = "unexpected character '" + buf[q] + "' after a closing quote";
          while (available(q) && !isFieldEnd(buf[q])) {
            q++;
          }
          addField(p, q, false);
        } else {
          addField(contentStart, contentEnd, true);
        }
        p = q;
      } else {
        int q = p;
        while (available(q) && !isFieldEnd(buf[q])) {
          if (q - recordStart > maxRecordChars) {
            overLimit = true;
            return singleLine("line longer than " + maxRecordChars + " characters");
          }
          q++;
        }
        addField(p, q, false);
        p = q;
      }
      if (!available(p)) {
        return finish(p, p, breaksInside);
      }
      if (buf[p] == delimiter) {
        p++;
        continue;
      }
      return finish(p, afterLineEnd(p), breaksInside + 1);
    }
  }

  private boolean isFieldEnd(char c) {
    return c == delimiter || c == '\n' || c == '\r';
  }

  private boolean finish(int end, int next, long lines) {
    recordEnd = end;
    pos = next;
    nextLine += lines;
    return true;
  }

  /**
   * Gives up on splitting the current record: it becomes the one physical line it starts on, as a
   * single field (so that field-count checks reject it too), and reading resumes on the next line.
   */
  private boolean singleLine(String why) throws IOException {
    int p = recordStart;
    while (available(p) && buf[p] != '\n' && buf[p] != '\r') {
      p++;
    }
    fieldCount = 0;
    addField(recordStart, p, false);
    problem = why;
    int next = available(p) ? afterLineEnd(p) : p;
    return finish(p, next, 1);
  }

  /** Offset just past the line end (CRLF, LF or CR) that starts at {@code p}. */
  private int afterLineEnd(int p) throws IOException {
    if (buf[p] == '\r' && available(p + 1) && buf[p + 1] == '\n') {
      return p + 2;
    }
    return p + 1;
  }

  private void addField(int start, int end, boolean isQuoted) {
    if (fieldCount == starts.length) {
      starts = Arrays.copyOf(starts, fieldCount * 2);
      ends = Arrays.copyOf(ends, fieldCount * 2);
      quoted = Arrays.copyOf(quoted, fieldCount * 2);
    }
    starts[fieldCount] = start;
    ends[fieldCount] = end;
    quoted[fieldCount] = isQuoted;
    fieldCount++;
  }

  // Offsets into buf stay valid for a whole record: the buffer only grows while a record is
  // being parsed, and unread input is moved to the front only between records.

  private void compact() {
    if (pos > 0 && pos >= buf.length / 2) {
      System.arraycopy(buf, pos, buf, 0, limit - pos);
      discarded += pos;
      limit -= pos;
      pos = 0;
    }
  }

  /** True when the char at offset {@code p} is in the buffer, reading more input if needed. */
  private boolean available(int p) throws IOException {
    while (p >= limit) {
      if (eof) {
        return false;
      }
      if (limit == buf.length) {
        buf = Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
        return false;
      }
      limit += n;
    }
    return true;
  }
}
