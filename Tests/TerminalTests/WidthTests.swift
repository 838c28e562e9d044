import Testing
@testable import Terminal

@Suite("Display width")
struct DisplayWidthTests {
    @Test func asciiChineseAndFullwidthPunctuation() {
        #expect(DisplayWidth.of("A101") == 4)
        #expect(DisplayWidth.of("明视眼镜") == 8)
        #expect(DisplayWidth.of("，。（）") == 8)
        #expect(DisplayWidth.of("中国(丹阳)眼镜城") == 16)
    }

    @Test func clustersCountOnce() {
        #expect(DisplayWidth.of(Character("e\u{301}")) == 1)   // e + combining acute
        #expect(DisplayWidth.of(Character("👍🏽")) == 2)
        #expect(DisplayWidth.of(Character("👨‍👩‍👧")) == 2)
        #expect(DisplayWidth.of(Character("\u{1B}")) == 1)     // drawn as a visible ␛
    }

    @Test func ambiguousCharactersFollowTheSetting() {
        #expect(DisplayWidth.of("★☆─│") == 4)
        #expect(DisplayWidth.isAmbiguous(0x2605) && DisplayWidth.isAmbiguous(0x2500))
    }

    @Test func truncationNeverSplitsAWideGlyph() {
        #expect(TextLayout.truncate("导墅老花镜批发部", toWidth: 7) == "导墅老…")
        #expect(TextLayout.truncate("导墅老花镜批发部", toWidth: 8) == "导墅老…")
        #expect(TextLayout.truncate("导墅老花镜批发部", toWidth: 16) == "导墅老花镜批发部")
        #expect(TextLayout.fit("明视", width: 6) == "明视  ")
        #expect(TextLayout.fit("明视", width: 6, alignment: .right) == "  明视")
        #expect(DisplayWidth.of(TextLayout.fit("导墅老花镜批发部", width: 9)) == 9)
    }
}

@Suite("Cell grid")
struct GridTests {
    @Test func wideGlyphsTakeTwoCells() {
        var grid = Grid(size: Size(width: 10, height: 1))
        let used = grid.put("A明视", x: 1, y: 0)
        #expect(used == 5)
        #expect(grid[1, 0].text == "A")
        #expect(grid[2, 0] == Cell(text: "明", width: 2, style: .plain))
        #expect(grid[3, 0].width == 0)
        #expect(grid[4, 0].text == "视")
        #expect(grid.rowText(0) == " A明视    ")
    }

    @Test func aWideGlyphAtTheEdgeIsNotSplit() {
        var grid = Grid(size: Size(width: 5, height: 1))
        grid.put("眼镜城", x: 0, y: 0)
        #expect(grid.rowText(0) == "眼镜 ")
        #expect(grid[4, 0].text == " ")
    }

    @Test func overwritingHalfAWideGlyphBlanksTheOtherHalf() {
        var grid = Grid(size: Size(width: 6, height: 1))
        grid.put("眼镜城", x: 0, y: 0)
        grid.put("x", x: 1, y: 0)
        #expect(grid.rowText(0) == " x镜城")
        grid.put("y", x: 2, y: 0)
        #expect(grid.rowText(0) == " xy 城")
    }

    @Test func controlCharactersNeverReachACell() {
        var grid = Grid(size: Size(width: 20, height: 1))
        grid.put("a\u{1B}[2J\u{7}\u{9B}\u{202E}b", x: 0, y: 0)
        let text = grid.rowText(0)
        #expect(text.hasPrefix("a␛[2J␇\u{FFFD}¶b"))
        #expect(!grid.cells.contains { $0.text.unicodeScalars.contains(where: SafeText.needsReplacement) })
    }

    @Test func invalidUTF8BecomesReplacementCharacters() {
        #expect(SafeText.decode([0x41, 0xFF, 0xE6, 0x98]) == "A\u{FFFD}\u{FFFD}")
    }
}

@Suite("Table")
struct TableTests {
    @Test func columnsAlignByDisplayWidth() {
        var table = TableView(
            columns: [TableColumn(title: "店铺号"), TableColumn(title: "店铺名称", flexible: true), TableColumn(title: "星级")],
            rows: [["A101", "明视眼镜", "待评定"], ["B2", "导墅老花镜批发部", "★★★☆☆"]],
            position: ListPosition())
        table.fitColumns(available: 80)
        #expect(table.lines() == [
            "店铺号  店铺名称          星级",
            "A101    明视眼镜          待评定",
            "B2      导墅老花镜批发部  ★★★☆☆",
        ])
        table.fitColumns(available: 26)
        #expect(table.columns[1].width == 10)
        #expect(table.lines()[2] == "B2      导墅老花…   ★★★☆☆")
    }

    @Test func positionScrollsToKeepTheSelectionVisible() {
        var position = ListPosition()
        position.move(by: 25, count: 96, visibleRows: 20)
        #expect(position == ListPosition(selected: 25, offset: 6))
        position.move(by: 100, count: 96, visibleRows: 20)
        #expect(position == ListPosition(selected: 95, offset: 76))
        position.move(by: -80, count: 96, visibleRows: 20)
        #expect(position == ListPosition(selected: 15, offset: 15))
    }
}

@Suite("Ambiguous-width terminals")
struct AmbiguousWidthTests {
    @Test func boxesFallBackToASCIIBordersThatStayWhole() {
        var grid = Grid(size: Size(width: 10, height: 3))
        grid.box(Rect(x: 0, y: 0, width: 10, height: 3), ascii: true)
        #expect(grid.rowText(0) == "+--------+")
        #expect(grid.rowText(1) == "|        |")
        var wide = Grid(size: Size(width: 10, height: 3))
        wide.box(Rect(x: 0, y: 0, width: 10, height: 3), ascii: false)
        #expect(wide.rowText(0) == "┌────────┐")
    }

    @Test func starsAndBordersAreAmbiguousCharacters() {
        for c: Character in ["★", "☆", "─", "│", "①", "·"] {
            #expect(DisplayWidth.isAmbiguous(c.unicodeScalars.first!.value), "\(c)")
        }
    }
}

@Suite("Wrapping by display width")
struct WrapTests {
    @Test func chineseWrapsBetweenCharactersAndWideGlyphsAreNeverSplit() {
        #expect(TextLayout.wrap("本月按状态：已登记 3", width: 8) == ["本月按状", "态：已登", "记 3"])
        #expect(TextLayout.wrap("ab丹阳", width: 3) == ["ab", "丹", "阳"])
        #expect(TextLayout.wrap("一\n二", width: 10) == ["一", "二"])
        #expect(TextLayout.wrap("abc def", width: 3) == ["abc", "def"], "a space at a break is dropped")
        #expect(TextLayout.wrap("x", width: 0).isEmpty)
        // Numbers and Latin words are not cut in two (unless one fills a line by itself).
        // (One algorithm with the hanging indent's: the space at a break is dropped here too.)
        #expect(TextLayout.wrap("请 15 分钟后再试", width: 4) == ["请", "15", "分钟", "后再", "试"])
        #expect(TextLayout.wrap("已错 3/5 次", width: 6) == ["已错", "3/5 次"])
        #expect(TextLayout.wrap("abcdefgh", width: 3) == ["abc", "def", "gh"])
    }
}

@Suite("Wrapping with a hanging indent; footers that fit")
struct HangingWrapTests {
    @Test func continuationLinesGoUnderTheTextNeverSplittingAWordOrStartingWithAClosingMark() {
        let chinese = "  +35  #117  贡献分 比服务 2026-01-28：演示：参加市场消防演练（shuji1 登记，zhuren 审批）"
        let lines = TextLayout.wrap(chinese, width: 60, hangingIndent: 13)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 60 })
        #expect(lines[1].hasPrefix(String(repeating: " ", count: 13)) && !lines[1].dropFirst(13).hasPrefix(" "))
        #expect(lines.joined().filter { $0 != " " } == chinese.filter { $0 != " " }, "nothing lost")
        #expect(!lines[0].hasSuffix("zh") && lines[1].contains("zhuren"), "a user name is not split")
        // An English sentence breaks between words; a closing mark stays with its word.
        let english = TextLayout.wrap("the 2026 ratings were published on 2026-11-02: rated on the records made before, and", width: 40, hangingIndent: 4)
        #expect(english == ["the 2026 ratings were published on", "    2026-11-02: rated on the records", "    made before, and"])
        #expect(TextLayout.wrap("一二三四五六七八九十。", width: 20, hangingIndent: 2) == ["一二三四五六七八九", "  十。"])
        // Two closing marks in a row ("）、") do not start a line either: both go down with the character before them.
        #expect(TextLayout.wrap("一二三四五六（七八）、九十", width: 20, hangingIndent: 0) == ["一二三四五六（七", "八）、九十"])
        // An opening mark does not end a line: it goes down with what it opens.
        #expect(TextLayout.wrap("一二三四五六七八九（十）", width: 20, hangingIndent: 0) == ["一二三四五六七八九", "（十）"])
        #expect(TextLayout.wrap("短", width: 10, hangingIndent: 2) == ["短"])
        #expect(TextLayout.wrap("", width: 10, hangingIndent: 2) == [""])
    }

    @Test func aFooterKeepsWhatFitsMostImportantFirst() {
        let parts = ["i 检查", "PgDn 下一页", "Esc 返回", "p 贡献分", "w 撤回"]
        #expect(TextLayout.joinFitting(parts, separator: " · ", width: 100) == "i 检查 · PgDn 下一页 · Esc 返回 · p 贡献分 · w 撤回")
        let narrow = TextLayout.joinFitting(parts, separator: " · ", width: 34)
        #expect(narrow == "i 检查 · PgDn 下一页 · Esc 返回" && DisplayWidth.of(narrow) <= 34)
        #expect(TextLayout.joinFitting(["", "a"], separator: " · ", width: 5) == "a")
    }
}
