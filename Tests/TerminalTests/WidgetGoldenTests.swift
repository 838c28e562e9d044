import Foundation
import Testing
import TestSupport
@testable import Terminal

/// Compares a grid with its golden file; CHENGXIN_UPDATE_GOLDEN=1 writes them anew.
func assertWidgetGolden(_ grid: Grid, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("__Snapshots__/\(name).txt")
    let mismatch = try goldenMismatch(grid.text + "\n", at: url)
    #expect(mismatch == nil, "widget \(name) differs from its golden file:\n\(grid.text)", sourceLocation: sourceLocation)
}

let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

@Suite("Widgets at 80×24 and 120×40")
struct WidgetGoldenTests {
    @Test(arguments: sizes)
    func table(size: Size) throws {
        var grid = Grid(size: size)
        var table = TableView(columns: [TableColumn(title: "店铺号"), TableColumn(title: "店铺名称", flexible: true), TableColumn(title: "星级")],
                              rows: (1...30).map { ["A\(100 + $0)", String(repeating: "眼镜", count: $0 % 7 + 1) + "店", String(repeating: "★", count: $0 % 5 + 1)] },
                              position: ListPosition())
        table.position.move(by: 25, count: 30, visibleRows: size.height - 2)
        table.fitColumns(available: size.width - 2)
        table.render(into: &grid, rect: Rect(x: 1, y: 0, width: size.width - 2, height: size.height - 1))
        try assertWidgetGolden(grid, "table-\(size.width)x\(size.height)")
    }

    @Test(arguments: sizes)
    func textFieldAndArea(size: Size) throws {
        var grid = Grid(size: size)
        var field = TextFieldState()
        field.insert("丹阳眼镜城 A101 鉴明镜架批发部")
        grid.put("店铺：", x: 1, y: 1)
        let fieldCursor = field.render(into: &grid, x: 8, y: 1, width: 40)
        var area = TextAreaState()
        area.insert("配的眼镜度数不对，戴着头晕。\n店家说七天内可以重配，\u{1B}[2J现在却不认。顾客要求退款并赔礼道歉，涉及金额六百八十元。")
        let areaCursor = area.render(into: &grid, rect: Rect(x: 8, y: 3, width: 30, height: 6), style: Style(underline: true))
        #expect(fieldCursor == Position(x: 8 + DisplayWidth.of("丹阳眼镜城 A101 鉴明镜架批发部"), y: 1))
        #expect(areaCursor.y <= 8 && areaCursor.x <= 38)
        try assertWidgetGolden(grid, "text-\(size.width)x\(size.height)")
    }

    @Test(arguments: sizes)
    func selectListConfirmAndHelp(size: Size) throws {
        var grid = Grid(size: size)
        var list = SelectList(title: "转交部门", options: ["市场监督管理局", "税务局", "消费者协会", "质量技术监督部门"])
        list.move(by: 1)
        #expect(list.chosen == 1)
        list.move(by: 10)
        #expect(list.chosen == 3, "the selection stays within the list")
        list.move(by: -2)
        list.render(into: &grid, footer: "Enter 确定 · Esc 取消")
        try assertWidgetGolden(grid, "select-\(size.width)x\(size.height)")
        var confirm = ConfirmDialog(title: "确认", message: "确认办结投诉 K7QX-9M2A？")
        var confirmGrid = Grid(size: size)
        confirm.render(into: &confirmGrid)
        try assertWidgetGolden(confirmGrid, "confirm-\(size.width)x\(size.height)")
        #expect(!confirm.yesSelected, "no is the default")
        confirm.toggle()
        #expect(confirm.yesSelected)
        var detailed = ConfirmDialog(title: "确认记录", message: "记下后不能删除", details: ["投诉 K7QX-9M2A", "办结（已回访 → 已办结）"])
        var detailedGrid = Grid(size: size)
        detailed.toggle()
        detailed.render(into: &detailedGrid)
        let text = detailedGrid.text
        #expect(text.contains("投诉 K7QX-9M2A") && text.contains("办结（已回访 → 已办结）") && text.contains("记下后不能删除"))
        var helpGrid = Grid(size: size)
        HelpOverlay.render(into: &helpGrid, title: "按键帮助", entries: [HelpEntry(keys: "↓ / j", action: "下移一行"), HelpEntry(keys: "q", action: "退出")], footer: "按任意键关闭")
        try assertWidgetGolden(helpGrid, "help-\(size.width)x\(size.height)")
    }

    @Test(arguments: sizes)
    func chartsAndSparkline(size: Size) throws {
        var grid = Grid(size: size)
        Charts.render(into: &grid, rect: Rect(x: 1, y: 1, width: size.width - 2, height: 6),
                      items: [("★★★★★", 38), ("★★★★", 14), ("★★★", 9), ("★★", 24), ("★", 11), ("待评定", 0)])
        grid.put("近 12 个月：" + Charts.sparkline([0, 5, 5, 8, 6, 7, 7, 7, 7, 8, 4, 0]), x: 1, y: 8)
        grid.put("ASCII：" + Charts.sparkline([0, 5, 5, 8, 6, 7, 7, 7, 7, 8, 4, 0], ascii: true) + " " + Charts.bar(3, maximum: 4, width: 10, ascii: true), x: 1, y: 9)
        try assertWidgetGolden(grid, "charts-\(size.width)x\(size.height)")
    }

    @Test(arguments: sizes)
    func formWithRequiredFieldsAndInlineMessages(size: Size) throws {
        var form = Form(fields: [
            Form.Field(label: "店铺号", input: .line(TextFieldState(text: "A101")), required: true),
            Form.Field(label: "发生了什么", input: .area(TextAreaState(), height: 3), required: true),
            Form.Field(label: "诚信类别", input: .choice(["消费", "价格", "纳税", "质量"], selected: 0)),
            Form.Field(label: "金额（元）", input: .line(TextFieldState(text: "-5"))),
        ])
        let complete = form.validate(requiredMessage: "必填") { index, value in
            index == 3 && Double(value).map { $0 < 0 } == true ? "金额不能为负数" : nil
        }
        #expect(!complete && form.focus == 1, "focus moves to the first problem")
        for c in "镜片有划痕" { form.handle(.character(c)) }
        #expect(form.hasChanges)
        form.focusNext()
        form.handle(.right)
        #expect(form.fields[2].value == "价格")
        form.focusPrevious()
        #expect(form.focus == 1 && form.fields[1].value == "镜片有划痕")
        var grid = Grid(size: size)
        let cursor = form.render(into: &grid, rect: Rect(x: 1, y: 1, width: size.width - 2, height: size.height - 2))
        #expect(cursor != nil)
        try assertWidgetGolden(grid, "form-\(size.width)x\(size.height)")
    }
}

@Suite("Text area")
struct TextAreaTests {
    @Test func wrapsByDisplayWidthAndMovesByLine() {
        var area = TextAreaState()
        area.insert("眼镜城眼镜城")   // 12 columns
        let lines = TextAreaState.layout(Array(area.text), width: 5)
        #expect(lines.map { $0.end - $0.start } == [2, 2, 2], "two wide glyphs per 5-column line, never split")
        area.handle(.up, width: 5)
        #expect(area.cursor == 4)
        area.handle(.enter, width: 5)
        #expect(area.text == "眼镜城眼\n镜城")
        area.handle(.control("z"), width: 5)
        #expect(area.text == "眼镜城眼镜城")
    }
}
