package org.dualflow.ingest;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An input file opened for record reading, on any Hadoop file system (local, HDFS, S3A...).
 *
 * <p>Gzip is recognised by its magic bytes, not its name. A UTF-8 byte-order mark is skipped.
 * Decoding is strict: bytes that are not valid in the file's encoding fail the file rather than
 * turn into replacement characters in the tables. The SHA-256 and size are of the bytes as
 * stored (compressed, for a .gz), computed while reading, so the manifest can cite the file;
 * the size comes from the driver's file listing.
 */
public final class InputFile implements Closeable {

  private final String uri;
  private final InputStream raw;
  private final DigestInputStream digesting;
  private final CsvRecordReader records;

  private InputFile(String uri, InputStream raw, DigestInputStream digesting,
      CsvRecordReader records) {
    this.uri = uri;
    this.raw = raw;
    this.digesting = digesting;
    this.records = records;
  }

  /**
   * @param hadoopConf Hadoop settings from the driver (credentials, file system classes)
   */
  public static InputFile open(String uri, Charset charset, Map<String, String> hadoopConf) {
    try {
      Configuration conf = new Configuration(false);
      hadoopConf.forEach(conf::set);
      Path path = new Path(uri);
      FileSystem fs = path.getFileSystem(conf);
      InputStream raw = fs.open(path);
      DigestInputStream digesting = new DigestInputStream(raw, MessageDigest.getInstance("SHA-256"));
      BufferedInputStream buffered = new BufferedInputStream(digesting, 1 << 16);
      buffered.mark(2);
      int b0 = buffered.read();
      int b1 = buffered.read();
      buffered.reset();
      InputStream content = buffered;
      if (b0 == 0x1f && b1 == 0x8b) {
        try {
          content = new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        } catch (IOException e) {
          raw.close();
          throw new InputFileException("Cannot read " + uri + ": it starts like gzip but its "
              + "gzip header is corrupt or cut short; download it again", e);
        }
      }
      Reader decoded = new InputStreamReader(content, charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT));
      PushbackReader bomless = new PushbackReader(decoded, 1);
      int first = bomless.read();
      if (first >= 0 && first != '\uFEFF') {
        bomless.unread(first);
      }
      return new InputFile(uri, raw, digesting, new CsvRecordReader(bomless));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available in this JVM", e);
    } catch (IOException e) {
      throw new InputFileException(describe(uri, e), e);
    }
  }

  /** Why an IOException happened, in words a user can act on. */
  static String describe(String uri, IOException e) {
    String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof java.util.zip.ZipException || what.contains("GZIP")
        || what.contains("ZLIB")) {
      return "Cannot read " + uri + ": it looks like gzip but is corrupt or truncated (" + what
          + "); download it again";
    }
    if (e instanceof java.nio.charset.CharacterCodingException) {
      return "Cannot read " + uri + ": it is not valid UTF-8; save it as UTF-8";
    }
    if (e instanceof java.io.FileNotFoundException) {
      return "Cannot read " + uri + ": file not found (" + what + ")";
    }
    return "Cannot read " + uri + ": " + what;
  }

  public CsvRecordReader records() {
    return records;
  }

  public String uri() {
    return uri;
  }

  /**
   * Reads any bytes the parser left (trailing padding of a gzip file) so that size and digest
   * cover the whole file, and returns the SHA-256 in hex.
   */
  public String finishDigest() throws IOException {
    byte[] skip = new byte[1 << 16];
    while (digesting.read(skip) >= 0) {
      // draining
    }
    return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
  }

  @Override
  public void close() throws IOException {
    try {
      records.close();
    } finally {
      raw.close();
    }
  }
}
