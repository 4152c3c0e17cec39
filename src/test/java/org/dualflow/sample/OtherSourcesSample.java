package org.dualflow.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * The sample files of the sources beside Comtrade: China customs (GACC), shipment-level
 * declarations and Eurostat Comext. Invented values, real layouts, and the defects each format
 * really has. Deterministic.
 */
final class OtherSourcesSample {

  private final Random random = new Random(20231215L);

  Map<String, byte[]> generate() throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("gacc/gacc-出口-2023-12.csv", gaccQueryExport());
    out.put("gacc/gacc-monthly-export-2024H1-CNY.csv", gaccMonthlyYuan());
    out.put("declarations/declarations-2023-Q4.csv", declarations());
    out.put("comext/comext-eu-exports-2022-2024.csv.gz", comext());
    return out;
  }

  // --- China customs ----------------------------------------------------------------------------

  /** GACC partner code and Chinese name of the partners China exports to in the sample. */
  private static final String[][] GACC_PARTNERS = {{"344", "俄罗斯联邦"}, {"145", "哈萨克斯坦"},
      {"146", "吉尔吉斯斯坦"}, {"338", "亚美尼亚"}, {"110", "中国香港"}};
  /**
   * 8-digit Chinese tariff lines under CHPL codes: name, first and second unit, US dollars per
   * first unit, second units per first unit.
   */
  private static final String[][] GACC_CODES = {
      {"85423100", "用作处理器及控制器的集成电路", "千克", "个", "3500", "2000"},
      {"85423200", "用作存储器的集成电路", "千克", "个", "2800", "2000"},
      {"85423900", "其他集成电路", "千克", "个", "2500", "1500"},
      {"85176294", "路由器", "台", "千克", "300", "1"},
      {"84821000", "滚珠轴承", "千克", "套", "12", "5"},
      {"84718000", "自动数据处理设备的其他部件", "台", "千克", "150", "1"},
      {"88073000", "飞机或无人驾驶航空器的其他零件", "千克", "个", "900", "3"},
      {"87032342", "小轿车", "辆", "千克", "25000", "1500"}};
  /** Yuan per US dollar, roughly, for quantities of the yuan file (values use the real rates). */
  private static final double CNY_PER_USD = 7.1;

  /** Quantities of a GACC line: first and second unit, prices spread log-normally (10%). */
  private static long[] gaccQuantities(String[] code, double usd, Object... key) {
    double price = Double.parseDouble(code[4])
        * Math.exp(0.1 * new Random(Objects.hash(key)).nextGaussian());
    long first = Math.max(1, Math.round(usd / price));
    return new long[] {first, Math.round(first * Double.parseDouble(code[5]))};
  }

  /**
   * The 13-column query export, UTF-8, USD, December 2023, broken down by trade mode and
   * province: the month and the flow (出口, export) are in the file's name.
   */
  private byte[] gaccQueryExport() {
    List<String> lines = new ArrayList<>();
    lines.add("商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,贸易方式编码,贸易方式名称,注册地编码,注册地名称,"
        + "第一数量,第一计量单位,第二数量,第二计量单位,美元");
    String[][] modes = {{"10", "一般贸易"}, {"33", "保税区仓储转口货物"}};
    String[][] regions = {{"44", "广东省"}, {"31", "上海市"}, {"65", "新疆维吾尔自治区"}};
    for (String[] partner : GACC_PARTNERS) {
      for (String[] code : GACC_CODES) {
        for (String[] mode : modes) {
          for (String[] region : regions) {
            double base = partner[0].equals("344") ? 12_000_000 : 300_000;
            long usd = Math.round(base * (0.5 + random.nextDouble()));
            long[] qty = gaccQuantities(code, usd, partner[0], code[0], mode[0], region[0]);
            lines.add(String.join(",", code[0], code[1], partner[0], partner[1], mode[0],
                mode[1], region[0], region[1], grouped(qty[0]), code[2], grouped(qty[1]), code[3],
                grouped(usd)));
          }
        }
      }
    }
    // Defects: a partner code GACC does not have, and a line cut short.
    lines.add("85423100,用作处理器及控制器的集成电路,999,未知,10,一般贸易,44,广东省,1,千克,1,个,1000");
    lines.add("85423900,其他集成电路,344,俄罗斯联邦,10,一般贸易,44");
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The monthly variant, GBK-encoded as older exports are, with values in yuan (人民币) and
   * 数据年月, January to June 2024. One line's name holds a comma and a line break (quoted).
   */
  private byte[] gaccMonthlyYuan() {
    List<String> lines = new ArrayList<>();
    lines.add("数据年月,商品编码,商品名称,贸易伙伴编码,贸易伙伴名称,第一数量,第一计量单位,第二数量,第二计量单位,人民币");
    for (int month = 1; month <= 6; month++) {
      for (String[] partner : GACC_PARTNERS) {
        for (String[] code : GACC_CODES) {
          double base = partner[0].equals("344") ? 300_000_000 : 5_000_000;
          long cny = Math.round(base * (0.5 + random.nextDouble()));
          long[] qty = gaccQuantities(code, cny / CNY_PER_USD, month, partner[0], code[0]);
          String name = code[0].equals("85423100") && month == 2
              ? "\"用作处理器及控制器的集成电路,\n含多核处理器\"" : code[1];
          lines.add(String.join(",", String.format("2024%02d", month), code[0], name,
              partner[0], partner[1], grouped(qty[0]), code[2], grouped(qty[1]), code[3],
              grouped(cny)));
        }
      }
    }
    lines.add("202403,8542310,用作处理器及控制器的集成电路,344,俄罗斯联邦,1,千克,1,个,\"1,2x0\"");
    return (String.join("\r\n", lines) + "\r\n").getBytes(Charset.forName("GBK"));
  }

  /** "1,234,567", quoted, as GACC writes its numbers. */
  private static String grouped(long n) {
    return "\"" + String.format("%,d", n) + "\"";
  }

  // --- Declarations -----------------------------------------------------------------------------

  private static final String[][] SHIPPERS = {
      {"SHENZHEN JUNDA ELECTRONICS CO., LTD", "CN"},
      {"Shenzhen Junda Electronics Co Ltd", "CN"},
      {"深圳市骏达电子有限公司", "CN"},
      {"SINO-HK TRADING LIMITED", "HK"},
      {"ALFA COMPONENTS LLP", "KZ"},
      {"GULF BRIDGE GENERAL TRADING L.L.C.", "AE"}};
  private static final String[][] CONSIGNEES = {
      {"ООО \"ТЕХНОСНАБ\"", "7701234567"},
      {"ООО ТЕХНОСНАБ", "7701234567"},
      {"АО \"РАДИОКОМПЛЕКТ\"", "5009876543"},
      {"ООО \"ВЕКТОР-М\"", "7811122233"}};
  private static final String[][] GOODS = {
      {"8542319000", "МИКРОСХЕМЫ ИНТЕГРАЛЬНЫЕ ЭЛЕКТРОННЫЕ, ПРОЦЕССОРЫ И КОНТРОЛЛЕРЫ", "TEXAS INSTRUMENTS"},
      {"8542319000", "МИКРОКОНТРОЛЛЕРЫ \"STM32F407\", ДЛЯ ПРОМЫШЛЕННОЙ АВТОМАТИКИ", "STMICROELECTRONICS"},
      {"8542329000", "МИКРОСХЕМЫ ПАМЯТИ DDR4", "SAMSUNG"},
      {"8542399000", "ПРОГРАММИРУЕМЫЕ ЛОГИЧЕСКИЕ ИНТЕГРАЛЬНЫЕ СХЕМЫ (ПЛИС)", "XILINX"},
      {"8542339000", "УСИЛИТЕЛИ ОПЕРАЦИОННЫЕ", "ANALOG DEVICES"},
      {"8532240000", "КОНДЕНСАТОРЫ КЕРАМИЧЕСКИЕ МНОГОСЛОЙНЫЕ", "MURATA"},
      {"8482100009", "ПОДШИПНИКИ ШАРИКОВЫЕ", "SKF"},
      {"8807300000", "ЧАСТИ БЕСПИЛОТНЫХ ВОЗДУШНЫХ СУДОВ: РАМЫ, ВИНТЫ", "SZ DJI TECHNOLOGY"},
      {"6403999800", "ОБУВЬ МУЖСКАЯ", ""}};
  private static final String[] ORIGINS = {"CN", "КИТАЙ", "TW", "US", "JP", "МАЛАЙЗИЯ", "KR"};
  private static final String[] CURRENCIES = {"USD", "156", "CNY", "EUR", "RUB"};

  /** Shipment lines of Russian import declarations, October to December 2023. */
  private byte[] declarations() {
    List<String> lines = new ArrayList<>();
    lines.add("declaration_number,declaration_date,item_number,tnved_code,goods_description,"
        + "shipper,consignee,consignee_inn,origin_country,dispatch_country,trading_country,"
        + "manufacturer,brand,invoice_value,invoice_currency,statistical_value_usd,net_kg,"
        + "gross_kg,quantity,quantity_unit");
    int serial = 1200;
    for (int d = 0; d < 24; d++) {
      int month = 10 + d / 8;
      int day = 1 + (d * 3) % 28;
      String date = String.format("%02d.%02d.2023", day, month);
      String number = String.format("10702070/%02d%02d23/%07d", day, month, serial++);
      String[] shipper = SHIPPERS[d % SHIPPERS.length];
      String[] consignee = CONSIGNEES[d % CONSIGNEES.length];
      int items = 1 + d % 3;
      for (int item = 1; item <= items; item++) {
        String[] goods = GOODS[(d + item) % GOODS.length];
        String origin = ORIGINS[(d + item) % ORIGINS.length];
        String currency = CURRENCIES[(d + item) % CURRENCIES.length];
        BigDecimal usd = BigDecimal.valueOf(5_000 + random.nextInt(250_000))
            .setScale(2, RoundingMode.UNNECESSARY);
        BigDecimal invoice = switch (currency) {
          case "156", "CNY" -> usd.multiply(new BigDecimal("7.2"));
          case "EUR" -> usd.multiply(new BigDecimal("0.93"));
          case "RUB" -> usd.multiply(new BigDecimal("92"));
          default -> usd;
        };
        // One item in ten has no statistical value: it is converted from the invoice.
        String stat = (d + item) % 10 == 0 ? "" : usd.toPlainString();
        String description = goods[1];
        if (d == 3 && item == 1) {
          description = goods[1] + ",\nКОРПУС BGA, \"БЕССВИНЦОВЫЕ\"";
        }
        long kg = Math.max(1, usd.longValue() / 2000);
        lines.add(String.join(",", number, date, String.valueOf(item), goods[0],
            quote(description), quote(shipper[0]), quote(consignee[0]), consignee[1], origin,
            shipper[1], d % 4 == 0 ? "HK" : shipper[1], quote(goods[2]), "",
            invoice.setScale(2, RoundingMode.HALF_UP).toPlainString(), currency, stat,
            kg + ".5", (kg + 1) + ".0", String.valueOf(kg * 40), "шт"));
      }
    }
    // Defects: an item sent twice, an unknown country, a date that is not one, a cut line.
    lines.add(lines.get(1));
    lines.add("10702070/011223/0009999,01.12.2023,1,8542319000,МИКРОСХЕМЫ,\"ALFA COMPONENTS LLP\","
        + "\"ООО \"\"ВЕКТОР-М\"\"\",7811122233,CN,АТЛАНТИДА,KZ,,,1000,USD,1000,1,1,10,шт");
    lines.add("10702070/311323/0009998,31.13.2023,1,8542319000,МИКРОСХЕМЫ,X,Y,1,CN,CN,CN,,,5,USD,5,"
        + "1,1,1,шт");
    lines.add("10702070/011223/0009997,01.12.2023,1,8542319000");
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  // --- Eurostat Comext --------------------------------------------------------------------------

  private static final String[] COMEXT_REPORTERS = {"PL", "LT", "LV", "FI", "CZ"};
  private static final String[] COMEXT_PARTNERS = {"RU", "BY", "KZ", "KG", "AM"};
  private static final String[] COMEXT_PRODUCTS = {"85423190", "85423290", "84821090",
      "84718000", "85176200"};
  /** Typical euros per kilogram of each product: chips, memories, bearings, ADP parts, routers. */
  private static final int[] COMEXT_EUR_PER_KG = {3500, 2800, 12, 140, 280};
  private static final String[] MONTHS = {"Jan.", "Feb.", "Mar.", "Apr.", "May", "Jun.", "Jul.",
      "Aug.", "Sep.", "Oct.", "Nov.", "Dec."};

  /**
   * EU exports (FLOW 2) from five member states, 2022 to 2024, both period styles, normal and
   * inward-processing procedures; gzip. Exports to Russia collapse after February 2022.
   */
  private byte[] comext() throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR,QUANTITY_IN_KG");
    for (int year = 2022; year <= 2024; year++) {
      for (int month = 1; month <= 12; month++) {
        boolean sanctioned = year > 2022 || month >= 3;
        for (String reporter : COMEXT_REPORTERS) {
          for (String partner : COMEXT_PARTNERS) {
            for (int k = 0; k < COMEXT_PRODUCTS.length; k++) {
              String product = COMEXT_PRODUCTS[k];
              if (random.nextDouble() < 0.5) {
                continue;
              }
              double base = partner.equals("RU") || partner.equals("BY")
                  ? (sanctioned ? 2_000 : 400_000) : (sanctioned ? 150_000 : 40_000);
              long eur = Math.round(base * (0.5 + random.nextDouble()));
              String period = (year + month) % 2 == 0 ? MONTHS[month - 1] + " " + year
                  : String.format("%d%02d", year, month);
              String procedure = random.nextDouble() < 0.8 ? "1" : "2";
              // Prices per kilogram spread log-normally (sigma 10%), apart from the seeded draws.
              double eurPerKg = COMEXT_EUR_PER_KG[k] * Math.exp(0.1 * new Random(
                  Objects.hash(reporter, partner, product, period)).nextGaussian());
              lines.add(String.join(",", reporter, partner, product, "2", procedure, period,
                  String.valueOf(eur), String.valueOf(Math.max(1, Math.round(eur / eurPerKg)))));
            }
          }
        }
      }
    }
    // Defects: a thousands separator in a plain-number column, and a flow code Comext lacks.
    lines.add("PL,KZ,85423190,2,1,Mar. 2024,\"12,500\",10");
    lines.add("LT,KZ,85423190,7,1,Mar. 2024,500,1");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }
}
