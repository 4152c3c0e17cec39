package org.dualflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.parser.Parser;
import org.junit.jupiter.api.Test;

/** The charts and the text of the report, without Spark. */
class SvgTest {

  private static Element parse(String svg) {
    return Jsoup.parse(svg, "", Parser.xmlParser()).selectFirst("svg");
  }

  @Test
  void aPeriodNotReportedIsAGapNotABarAndAReportedZeroIsADot() {
    String svg = Svg.columns("t", List.of(
        Svg.Column.of("2022-01", 40, false, "a"),
        Svg.Column.gap("2022-02", "not reported", "b"),
        Svg.Column.gap("2022-03", "not reported", "c"),
        Svg.Column.of("2022-04", 0, false, "d"),
        Svg.Column.of("2022-05", 80, true, "e")), Svg::percent, null, null, 640, 200);
    Element chart = parse(svg);
    // Two bars (January and May), one dot (April), one band for the two months missing.
    assertThat(chart.select("rect.mark")).hasSize(2);
    assertThat(chart.select("circle.mark.zero")).hasSize(1);
    assertThat(chart.select("rect.gap")).singleElement()
        .satisfies(g -> assertThat(g.selectFirst("title").text())
            .isEqualTo("2022-02 to 2022-03: not reported"));
    assertThat(chart.select("rect.incomplete")).hasSize(1);
    assertThat(chart.select("text.star")).hasSize(1);
    // The bar of 80 is twice the height of the bar of 40 (the axis runs 0..80 in ticks of 20).
    double h40 = Double.parseDouble(chart.select("rect.mark").get(0).attr("height"));
    double h80 = Double.parseDouble(chart.select("rect.mark").get(1).attr("height"));
    assertThat(h80).isCloseTo(2 * h40, org.assertj.core.data.Offset.offset(0.2));
    assertThat(chart.select("text.tick").eachText()).contains("0%", "20%", "80%")
        .doesNotContain("100%");
  }

  @Test
  void signedPartsStackOutwardsFromZero() {
    Element chart = parse(Svg.hbars("t", List.of("gap", "phantom exports", "phantom imports"),
        List.of(new Svg.HBar("CHN>KAZ 2022", new double[] {-100, 50, 0}, null),
            new Svg.HBar("nothing", new double[] {0, 0, 0}, null)), Svg::usd, 640));
    assertThat(chart.select("rect.mark")).hasSize(2);
    Element negative = chart.select("rect.mark").get(0);
    Element positive = chart.select("rect.mark").get(1);
    // -100 ends where +50 starts (zero), and is twice as long.
    double zero = Double.parseDouble(positive.attr("x"));
    assertThat(Double.parseDouble(negative.attr("x")) + Double.parseDouble(negative.attr("width")))
        .isCloseTo(zero, org.assertj.core.data.Offset.offset(0.2));
    assertThat(Double.parseDouble(negative.attr("width")))
        .isCloseTo(2 * Double.parseDouble(positive.attr("width")),
            org.assertj.core.data.Offset.offset(0.2));
    assertThat(chart.select("circle.mark.zero")).hasSize(1);
  }

  @Test
  void aCoverageGridHasOneCellPerMonthAndHatchesTheMonthsNotReported() {
    Element chart = parse(Svg.grid("t", List.of("comtrade CHN export"), List.of("MA."),
        List.of("2021-12", "2022-01", "2022-02"), Map.of(
            'M', new String[] {"#000", "mark", "monthly"},
            'A', new String[] {"#999", "mark annual", "annual"},
            '.', new String[] {"gap", "gap", "not reported"}), 640));
    assertThat(chart.select("rect.mark")).hasSize(2);
    assertThat(chart.select("rect.gap").attr("fill")).isEqualTo("url(#not-reported)");
    assertThat(chart.select("rect.gap title").text())
        .isEqualTo("comtrade CHN export, 2022-02: not reported");
  }

  @Test
  void everyTextIsEscapedInTablesAndCharts() {
    String name = "<script>alert(1)</script> & \"Co\" 'x'";
    assertThat(Html.esc(name)).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt; &amp; "
        + "&quot;Co&quot; &#39;x&#39;");
    String svg = Svg.hbars(name, List.of(name), List.of(new Svg.HBar(name, new double[] {1},
        name)), Svg::plain, 640);
    assertThat(svg).doesNotContain("<script").contains("&lt;script&gt;");
    Element chart = parse(svg);
    assertThat(chart.select("text.rowlabel").first().ownText()).isEqualTo(name);
  }

  @Test
  void valuesAreShownAsTheWarehouseHoldsThem() {
    assertThat(Html.text(new BigDecimal("1500.75"))).isEqualTo("1,500.75");
    assertThat(Html.text(new BigDecimal("0.00"))).isEqualTo("0.00");
    assertThat(Html.text(-67.45)).isEqualTo("-67.45");
    assertThat(Html.text(100.0)).isEqualTo("100.0");
    assertThat(Html.text(1234567L)).isEqualTo("1,234,567");
    assertThat(Html.text(null)).isEqualTo("\u2013");
    assertThat(Svg.usd(1_250_000)).isEqualTo("1.25m");
    assertThat(Svg.ticks(0, 93)).containsExactly(0, 25, 50, 75, 100);
    assertThat(Svg.ticks(-1909.09, 0)).containsExactly(-2000, -1500, -1000, -500, 0);
  }
}
