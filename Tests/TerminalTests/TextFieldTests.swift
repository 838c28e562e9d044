import Testing
@testable import Terminal

@Suite("Text field")
struct TextFieldTests {
    @Test func chineseEditingByGraphemeWithUndo() {
        var field = TextFieldState()
        for c in "眼镜城" { field.handle(.character(c)) }
        #expect(field.text == "眼镜城" && field.cursor == 3)
        field.handle(.left)
        field.handle(.backspace)
        #expect(field.text == "眼城" && field.cursor == 1)
        field.insert("镜片")
        #expect(field.text == "眼镜片城" && field.cursor == 3)
        field.handle(.control("z"))
        #expect(field.text == "眼城" && field.cursor == 1)
        field.handle(.end)
        field.insert("👨‍👩‍👧")
        #expect(field.text.count == 3)
        field.handle(.backspace)
        #expect(field.text == "眼城", "an emoji sequence is deleted as one")
        field.handle(.home)
        field.handle(.delete)
        #expect(field.text == "城" && field.cursor == 0)
        field.handle(.control("u"))
        #expect(field.text.isEmpty)
        let usedEnter = field.handle(.enter)
        #expect(!usedEnter, "Enter belongs to the form, not the field")
    }

    @Test func aSelectedTextIsReplacedByTypingClearedByBackspaceAndKeptByAMove() {
        var field = TextFieldState(text: "wxly", limit: 40, selected: true)
        #expect(field.selectedAll)
        var grid = Grid(size: Size(width: 12, height: 1))
        field.render(into: &grid, x: 0, y: 0, width: 10, style: Style(underline: true))
        #expect(grid[0, 0].style.reverse, "the selection is shown reversed")
        field.handle(.character("h"))
        #expect(field.text == "h" && !field.selectedAll, "typing replaces the selected text")
        field.handle(.control("z"))
        #expect(field.text == "wxly", "and Ctrl-Z brings it back")

        var cleared = TextFieldState(text: "老花镜", selected: true)
        cleared.handle(.backspace)
        #expect(cleared.text.isEmpty)

        var kept = TextFieldState(text: "gj", selected: true)
        kept.handle(.end)
        kept.handle(.character("x"))
        #expect(kept.text == "gjx", "after a movement key typing edits the text")
        #expect(!TextFieldState(text: "", selected: true).selectedAll, "nothing to select in an empty field")
        #expect(TextFieldState.edits(.character("a")) && TextFieldState.edits(.backspace) && !TextFieldState.edits(.enter) && !TextFieldState.edits(.escape))
    }

    @Test func theCursorSitsAtTheDisplayColumnAfterWideCharacters() {
        var grid = Grid(size: Size(width: 20, height: 1))
        var field = TextFieldState()
        field.insert("ab明视")
        let cursor = field.render(into: &grid, x: 2, y: 0, width: 10)
        #expect(cursor == Position(x: 2 + 2 + 4, y: 0))
        #expect(grid.rowText(0).hasPrefix("  ab明视"))
        field.handle(.left)
        #expect(field.render(into: &grid, x: 2, y: 0, width: 10) == Position(x: 6, y: 0))
    }

    @Test func longTextScrollsToKeepTheCursorVisibleAndPastesAreLimited() {
        var grid = Grid(size: Size(width: 12, height: 1))
        var field = TextFieldState(limit: 50)
        field.insert(String(repeating: "镜", count: 80))
        #expect(field.text.count == 50 && field.truncated)
        let cursor = field.render(into: &grid, x: 0, y: 0, width: 10)
        #expect(cursor.x <= 9)
        #expect(grid.rowText(0).hasPrefix("镜镜镜镜"))
        #expect(!grid.cells.prefix(10).contains { $0.text.isEmpty && $0.width != 0 })
    }

    /// A paste is typed text: its line breaks, tabs and Esc never act as keys (Enter would submit,
    /// Esc would leave); a one-line field takes a line break as a space, a text area keeps it.
    @Test func aPasteIsInsertedAsTextAndNothingInItActs() {
        var field = TextFieldState(limit: 20)
        let used = field.handle(.paste("鉴明\r\n眼镜\t店\u{1B}[A\u{03}"))
        #expect(used)
        #expect(field.text == "鉴明 眼镜 店[A" && field.cursor == 9)
        field.handle(.control("z"))
        #expect(field.text.isEmpty, "one paste is one step to undo")
        field.handle(.paste(String(repeating: "镜", count: 30)))
        #expect(field.text.count == 20 && field.truncated)
        var area = TextAreaState(limit: 100)
        let usedByArea = area.handle(.paste("第一行\r\n第二行\r第三行\n\u{1B}"), width: 20)
        #expect(usedByArea)
        #expect(area.text == "第一行\n第二行\n第三行\n")
    }

    @Test func hostileTextIsStoredFaithfullyAndDrawnSafely() {
        var grid = Grid(size: Size(width: 30, height: 1))
        var field = TextFieldState()
        field.insert("退款\u{1B}]0;pwned\u{07}\u{202E}")
        #expect(field.text == "退款\u{1B}]0;pwned\u{07}\u{202E}")
        field.render(into: &grid, x: 0, y: 0, width: 30)
        #expect(grid.rowText(0).hasPrefix("退款␛]0;pwned␇¶"))
    }
}
