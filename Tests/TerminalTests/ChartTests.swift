import Testing
@testable import Terminal

@Suite("Bar chart and sparkline")
struct ChartTests {
    @Test func barsInEighthsAndInASCII() {
        #expect(Charts.bar(5, maximum: 10, width: 4) == "██  ")
        #expect(Charts.bar(1, maximum: 8, width: 1) == "▏")
        #expect(Charts.bar(3, maximum: 16, width: 2) == "▍ ")
        #expect(Charts.bar(10, maximum: 10, width: 3) == "███")
        #expect(Charts.bar(0, maximum: 10, width: 3) == "   ")
        #expect(Charts.bar(5, maximum: 10, width: 4, ascii: true) == "##  ")
        #expect(Charts.bar(5, maximum: 0, width: 2) == "  ")
    }

    @Test func sparklinesScaleBetweenLowAndHigh() {
        #expect(Charts.sparkline([0, 7, 14]) == "▁▅█")
        #expect(Charts.sparkline([3, 3]) == "▁▁")
        #expect(Charts.sparkline([0, 7, 14], ascii: true) == ".+@")
        #expect(Charts.sparkline([]) == "")
    }

    @Test func labelledBarsAlignChineseLabels() {
        var grid = Grid(size: Size(width: 30, height: 3))
        Charts.render(into: &grid, rect: Rect(x: 0, y: 0, width: 30, height: 3),
                      items: [("五星", 12), ("待评定", 84), ("一星", 0)])
        #expect(grid.rowText(0).hasPrefix("五星   "))
        #expect(grid.rowText(1).hasPrefix("待评定 ████"))
        #expect(grid.rowText(1).hasSuffix(" 84"))
        #expect(grid.rowText(2).hasSuffix("  0"))
        // Every bar starts at the same column.
        #expect(grid[7, 1].text == "█")
    }
}
