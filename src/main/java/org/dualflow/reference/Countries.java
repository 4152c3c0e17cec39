package org.dualflow.reference;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Country and area codes: resolves the codes and names trade sources use to one alpha-3 code.
 *
 * <ul>
 *   <li>Comtrade numeric codes: first the codes Comtrade itself uses, then its alternative
 *       codes, then UN M49 (the USA is 842, France 251, India 699 in Comtrade). Areas without an
 *       ISO code get {@code X} and three digits; the World total is {@value #WORLD}.</li>
 *   <li>GACC partner codes (China customs' own: 344 is Russia there, not Hong Kong). GACC areas
 *       without an ISO code get {@code G} and the code, or their parent country.</li>
 *   <li>ISO alpha-2, with the variants trade sources use (Eurostat's EL, UK, XS).</li>
 *   <li>Names in English, Russian and Chinese: the UN names, the aliases of
 *       {@code countries.csv}, GACC's names and the CLDR names of ICU4J. Matching ignores case,
 *       punctuation and spacing; a name claimed by two countries is not used.</li>
 * </ul>
 */
public final class Countries implements Serializable {

  private static final Logger LOG = LogManager.getLogger(Countries.class);

  public static final String WORLD = "WLD";
  static final String FILE = "countries.csv";
  static final String GACC_FILE = "gacc-partner-codes.csv";
  static final String ALIASES_FILE = "code-aliases.csv";

  private final Map<Integer, String> byComtradeCode;
  private final Map<String, String> byIso2;
  private final Map<String, String> byGacc;
  private final Map<String, String> byName;
  private final Map<String, String> names;

  private Countries(Map<Integer, String> byComtradeCode, Map<String, String> byIso2,
      Map<String, String> byGacc, Map<String, String> byName, Map<String, String> names) {
    this.byComtradeCode = Collections.unmodifiableMap(byComtradeCode);
    this.byIso2 = Collections.unmodifiableMap(byIso2);
    this.byGacc = Collections.unmodifiableMap(byGacc);
    this.byName = Collections.unmodifiableMap(byName);
    this.names = Collections.unmodifiableMap(names);
  }

  public static Countries load(ReferenceFiles files) {
    Map<Integer, String> primary = new HashMap<>();
    Map<Integer, String> alternative = new HashMap<>();
    Map<Integer, String> m49 = new HashMap<>();
    Map<String, String> iso2 = new HashMap<>();
    Map<String, String> gacc = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    NameIndex nameIndex = new NameIndex();
    files.readCsv(FILE, List.of("iso3", "iso2", "m49", "name_en", "name_ru", "name_zh",
        "aliases", "comtrade_code", "comtrade_alt_codes", "gacc_code"), r -> {
          String comtrade = r.get("comtrade_code").trim();
          String iso3 = r.get("iso3").trim();
          if (iso3.isEmpty()) {
            if (comtrade.isEmpty()) {
              throw new IllegalArgumentException("a row needs iso3 or comtrade_code");
            }
            int code = Integer.parseInt(comtrade);
            iso3 = code == 0 ? WORLD : String.format("X%03d", code);
          } else if (!iso3.matches("[A-Z]{3}")) {
            throw new IllegalArgumentException("iso3 '" + iso3 + "' is not three capital letters");
          }
          names.put(iso3, r.get("name_en"));
          if (!comtrade.isEmpty()) {
            put(primary, Integer.parseInt(comtrade), iso3);
          }
          for (String alt : r.get("comtrade_alt_codes").split("[|;, ]+")) {
            if (!alt.isBlank()) {
              put(alternative, Integer.parseInt(alt.trim()), iso3);
            }
          }
          if (!r.get("m49").isBlank()) {
            put(m49, Integer.parseInt(r.get("m49").trim()), iso3);
          }
          if (!r.get("iso2").isBlank()) {
            put(iso2, r.get("iso2").trim(), iso3);
          }
          if (!r.get("gacc_code").isBlank()) {
            put(gacc, r.get("gacc_code").trim(), iso3);
          }
          if (!iso3.equals(WORLD)) {
            nameIndex.add(iso3, r.get("name_en"), r.get("name_ru"), r.get("name_zh"));
            nameIndex.add(iso3, r.get("aliases").split("\\|"));
          }
        });
    files.readCsv(GACC_FILE, List.of("gacc_code", "name_zh", "iso3", "parent_iso3",
        "name_zh_alt"), r -> {
          String code = r.get("gacc_code").trim();
          String iso3 = r.get("iso3").trim();
          if (iso3.isEmpty()) {
            iso3 = r.get("parent_iso3").trim();
          }
          if (iso3.isEmpty() || !names.containsKey(iso3)) {
            // A GACC-only area (亚洲其他国家(地区)) or a former country (SCG, Serbia and
            // Montenegro): its own pseudo-code, so that its trade is kept and visible.
            iso3 = "G" + code;
            names.putIfAbsent(iso3, r.get("name_zh"));
          }
          String before = gacc.putIfAbsent(code, iso3);
          if (before != null && !before.equals(iso3)) {
            throw new IllegalArgumentException("GACC code " + code + " is " + before + " in "
                + FILE + " but " + iso3 + " here");
          }
          nameIndex.add(iso3, r.get("name_zh"), r.get("name_zh_alt"));
        });
    files.readCsv(ALIASES_FILE, List.of("scheme", "code", "iso3"), r -> {
      if (!r.get("scheme").trim().equals("iso2")) {
        throw new IllegalArgumentException("scheme '" + r.get("scheme") + "' is not iso2");
      }
      if (!names.containsKey(r.get("iso3").trim())) {
        throw new IllegalArgumentException("iso3 '" + r.get("iso3") + "' is not in " + FILE);
      }
      put(iso2, r.get("code").trim(), r.get("iso3").trim());
    });
    addCldrNames(iso2, nameIndex);

    Map<Integer, String> resolved = new HashMap<>(m49);
    resolved.putAll(alternative);
    resolved.putAll(primary);
    return new Countries(resolved, iso2, gacc, nameIndex.unambiguous(), names);
  }

  /**
   * CLDR's display names in English, Russian and Chinese (俄罗斯, Россия): ICU4J ships with
   * Spark. Without it, names come from the files alone.
   */
  private static void addCldrNames(Map<String, String> iso2, NameIndex index) {
    try {
      com.ibm.icu.util.ULocale[] languages = {com.ibm.icu.util.ULocale.ENGLISH,
          new com.ibm.icu.util.ULocale("ru"), com.ibm.icu.util.ULocale.SIMPLIFIED_CHINESE};
      for (Map.Entry<String, String> e : iso2.entrySet()) {
        if (e.getKey().matches("[A-Z]{2}")) {
          com.ibm.icu.util.ULocale region = new com.ibm.icu.util.ULocale("", e.getKey());
          for (com.ibm.icu.util.ULocale language : languages) {
            String name = region.getDisplayCountry(language);
            if (!name.equals(e.getKey())) {
              index.add(e.getValue(), name);
            }
          }
        }
      }
    } catch (NoClassDefFoundError e) {
      LOG.debug("ICU4J not on the classpath: country names from the reference files only");
    }
  }

  private static <K> void put(Map<K, String> map, K code, String iso3) {
    String before = map.putIfAbsent(code, iso3);
    if (before != null && !before.equals(iso3)) {
      throw new IllegalArgumentException("code " + code + " is claimed by both " + before
          + " and " + iso3);
    }
  }

  /** Lower case, no punctuation, single spaces, compatibility-normalised (full-width digits). */
  public static String normalizeName(String name) {
    String s = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    s = s.replaceAll("[\\p{Punct}\\p{Ps}\\p{Pe}«»“”’‘]", " ").replaceAll("\\s+", " ").trim();
    return s;
  }

  /** Names to country, dropping any name two countries claim. */
  private static final class NameIndex {
    private final Map<String, String> names = new HashMap<>();
    private final Set<String> ambiguous = new HashSet<>();

    void add(String iso3, String... candidates) {
      for (String c : candidates) {
        if (c == null || c.isBlank()) {
          continue;
        }
        String key = normalizeName(c);
        String before = names.putIfAbsent(key, iso3);
        if (before != null && !before.equals(iso3)) {
          ambiguous.add(key);
        }
      }
    }

    Map<String, String> unambiguous() {
      Map<String, String> out = new HashMap<>(names);
      ambiguous.forEach(out::remove);
      return out;
    }
  }

  /** Alpha-3 (or pseudo) code for a Comtrade or M49 numeric code; null when unknown. */
  public String byComtradeCode(int code) {
    return byComtradeCode.get(code);
  }

  /** Alpha-3 for an ISO alpha-2 code or a source's variant of one (EL, UK); null if unknown. */
  public String byIso2(String code) {
    return byIso2.get(code.trim().toUpperCase(Locale.ROOT));
  }

  /** Alpha-3 for a GACC partner code (leading zeros ignored); null when unknown. */
  public String byGacc(String code) {
    String c = code.trim().replaceFirst("^0+(?=\\d)", "");
    return byGacc.get(c);
  }

  /**
   * Alpha-3 for a country name in English, Russian or Chinese; null when unknown. Eurostat
   * labels its countries with bracketed notes: a note about the territory covered ({@code
   * Germany (incl. German Democratic Republic 'DD' from 1991)}, {@code Belgium (incl.
   * Luxembourg 'LU' -> 1998)}) is dropped; another name in brackets ({@code Russian Federation
   * (Russia)}) counts only when both names are the same country. Anything else in brackets is
   * part of the name: "Congo (Democratic Republic)" is not Congo.
   */
  public String byName(String name) {
    String iso3 = byName.get(normalizeName(name));
    if (iso3 == null) {
      Matcher m = ANNOTATED.matcher(name.trim());
      if (m.matches()) {
        String outer = byName.get(normalizeName(m.group(1)));
        if (TERRITORY_NOTE.matcher(m.group(2)).find()) {
          iso3 = outer;
        } else if (outer != null && outer.equals(byName.get(normalizeName(m.group(2))))) {
          iso3 = outer;
        }
      }
    }
    return iso3;
  }

  /** A name, then a bracketed note to the end: "France (incl. Saint Barthélemy 'BL' ...)". */
  private static final Pattern ANNOTATED = Pattern.compile("(?s)([^(]+?)\\s*\\((.*)\\)\\s*");

  /** Eurostat's notes on the territory a country's figures cover. */
  private static final Pattern TERRITORY_NOTE = Pattern.compile(
      "(?i)^\\s*(incl\\.|excl\\.|including|excluding)|->|\\bfrom (19|20)\\d\\d\\b");

  /**
   * Names and codes of areas that add countries up: the European Union and euro area in their
   * Eurostat labels and codes, intra- and extra-EU trade, the World. Their rows repeat their
   * members' and are never summed beside them.
   */
  private static final Pattern AGGREGATE = Pattern.compile("(?i)\\s*(european union\\b.*"
      + "|euro area\\b.*|extra[- ]?(eu|euro).*|intra[- ]?(eu|euro).*|eu ?\\d\\d.*|ea ?\\d\\d.*"
      + "|(ext|int)_(eu|ea).*|world|all countries.*|total)\\s*");

  /**
   * Eurostat's partner codes that are no country (its geonomenclature): trade it could not
   * allocate, stores and provisions, the high seas, and Ceuta and Melilla, which Eurostat counts
   * apart from Spain. By code and by label.
   */
  private static final Map<String, String> SPECIAL_PARTNERS = Map.ofEntries(
      Map.entry("QP", "high seas"), Map.entry("QQ", "stores and provisions"),
      Map.entry("QR", "stores and provisions within intra-EU trade"),
      Map.entry("QS", "stores and provisions within extra-EU trade"),
      Map.entry("QU", "countries and territories not specified"),
      Map.entry("QV", "countries and territories not specified within intra-EU trade"),
      Map.entry("QW", "countries and territories not specified within extra-EU trade"),
      Map.entry("QX", "countries and territories not specified for commercial or military "
          + "reasons"),
      Map.entry("QY", "countries and territories not specified for commercial or military "
          + "reasons within intra-EU trade"),
      Map.entry("QZ", "countries and territories not specified for commercial or military "
          + "reasons within extra-EU trade"),
      Map.entry("XC", "Ceuta"), Map.entry("XL", "Melilla"));
  private static final Pattern SPECIAL_LABEL = Pattern.compile("(?i)\\s*(countries and "
      + "territories not specified.*|stores and provisions.*|high seas|ceuta|melilla)\\s*");

  /**
   * What a Eurostat special partner code or label stands for ({@code QU}: countries and
   * territories not specified), or null for anything else.
   */
  public static String specialPartner(String codeOrLabel) {
    String code = codeOrLabel.trim().toUpperCase(Locale.ROOT);
    String meaning = SPECIAL_PARTNERS.get(code);
    if (meaning != null) {
      return meaning;
    }
    return SPECIAL_LABEL.matcher(codeOrLabel).matches() ? codeOrLabel.trim() : null;
  }

  /** True when {@code label} names an aggregate of countries (see {@link #AGGREGATE}). */
  public static boolean isAggregate(String label) {
    return AGGREGATE.matcher(label).matches();
  }

  /** True when {@code iso3} is a code this table knows (including WLD, X- and G-codes). */
  public boolean isKnown(String iso3) {
    return names.containsKey(iso3);
  }

  public String name(String iso3) {
    return names.getOrDefault(iso3, iso3);
  }
}
