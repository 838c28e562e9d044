import Core
import Terminal

/// Drawing the kiosk: a title bar, large choices, one question per screen, the keys on the bottom
/// line. Emphasis is bold and reverse, so that it reads the same with NO_COLOR; fits 80×24.
extension Kiosk {
    public static func view(_ model: KioskModel) -> Grid {
        var grid = Grid(size: model.size)
        guard model.size.holds(.smallestUsable) else {
            WindowTooSmall.draw(model.size, model.language, advice: model.t("请放大窗口或调小字号", "enlarge the window or use a smaller font"), into: &grid)
            return grid
        }
        switch model.screen {
        case .home: KioskView.home(model, &grid)
        case .file(let step): KioskView.filing(step, model, &grid)
        case .receipt: KioskView.receipt(model, &grid)
        case .status: KioskView.status(model, &grid)
        case .board: KioskView.board(model, &grid)
        case .boardShop(let number): KioskView.boardShop(number, model, &grid)
        }
        KioskView.bottom(model, &grid)
        if model.showHelp {
            // The table the keys are looked up in, as it is.
            KioskBinding.renderHelp(KioskKeys.bindings(for: KioskKeys.context(model)), model.language, into: &grid)
        }
        return grid
    }
}

enum KioskView {
    static let selected = Style(bold: true, reverse: true)
    static let strong = Style(bold: true)
    static let hint = Style(dim: true)

    static func title(_ model: KioskModel, _ right: String, _ grid: inout Grid) {
        let bar = model.theme.title
        grid.fill(Rect(x: 0, y: 0, width: model.size.width, height: 1), style: bar)
        let left = model.t(" 中国（丹阳）眼镜城 · 诚信服务台", " China (Danyang) Eyewear City · Service desk")
        let used = grid.put(left, x: 0, y: 0, style: bar)
        let w = DisplayWidth.of(right)
        if used + w + 2 < model.size.width { grid.put(right, x: model.size.width - w - 1, y: 0, style: bar) }
    }

    /// The keys of the screen on the last line; above it a notice, or the idle countdown.
    static func bottom(_ model: KioskModel, _ grid: inout Grid) {
        let y = model.size.height - 1
        let bar = Style(reverse: true)
        grid.fill(Rect(x: 0, y: y, width: model.size.width, height: 1), style: bar)
        grid.put(" " + KioskKeys.footer(model), x: 0, y: y, maxWidth: model.size.width, style: bar)
        if let seconds = model.idleCountdown {
            grid.fill(Rect(x: 0, y: y - 1, width: model.size.width, height: 1))
            grid.put(model.t(" 无人操作，\(seconds) 秒后清空并回到首页（按任意键继续）", " No activity: clearing and returning home in \(seconds) s (press any key)"),
                     x: 0, y: y - 1, style: model.theme.warning)
        } else if model.submitting {
            grid.put(model.t(" 正在提交……", " Submitting…"), x: 0, y: y - 1, style: strong)
        } else if let notice = model.notice {
            grid.fill(Rect(x: 0, y: y - 1, width: model.size.width, height: 1))
            grid.put(" " + TextLayout.truncate(notice, toWidth: model.size.width - 2), x: 0, y: y - 1, style: model.theme.warning)
        }
    }

    // MARK: home

    static func home(_ model: KioskModel, _ grid: inout Grid) {
        title(model, model.today.description, &grid)
        let t = model.t
        let choices = [(t("投诉登记", "File a complaint"), t("对商户有意见？在这里登记，当场拿到受理编号", "A problem with a shop? File it here and get a receipt code")),
                       (t("查询进度", "Check progress"), t("凭受理编号查看投诉办到哪一步", "See how far a complaint has got, by its receipt code")),
                       (t("诚信公示", "Public board"), t("各商户的挂牌、星级、承诺、保障和商户回应", "Every shop: plates, stars, pledges, guarantees, replies"))]
        let width = min(model.size.width - 4, 76)
        let x = (model.size.width - width) / 2
        let spacing = model.size.height >= 30 ? 8 : 6
        let top = max(2, (model.size.height - 3 - 3 * spacing) / 2 + 1)
        for (i, choice) in choices.enumerated() {
            let y = top + i * spacing
            let style = i == model.homeChoice ? selected : strong
            if i == model.homeChoice { grid.fill(Rect(x: x, y: y, width: width, height: BigText.height), style: selected) }
            BigText.draw("\(i + 1)", x: x + 2, y: y, into: &grid, style: style)
            grid.put(choice.0, x: x + 10, y: y + 1, maxWidth: width - 11, style: style)
            grid.put(choice.1, x: x + 10, y: y + 3, maxWidth: width - 11, style: i == model.homeChoice ? selected : .plain)
        }
    }

    // MARK: filing

    static func filing(_ step: KioskStep, _ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        title(model, t("投诉登记 第 \(step.rawValue)/7 步", "Complaint, step \(step.rawValue) of 7"), &grid)
        var x = 1
        for s in KioskStep.allCases {
            let label = " \(s.rawValue) \(s.title(model.language)) "
            x += grid.put(label, x: x, y: 1, style: s == step ? selected : (s.rawValue < step.rawValue ? strong : hint)) + 1
        }
        let question: String
        switch step {
        case .shop: question = t("消费者是在哪家店买的？", "Which shop was it?")
        case .problem: question = t("遇到的是什么问题？", "What kind of problem?")
        case .story: question = t("请写下发生了什么（时间、商品、经过）", "What happened (when, what was bought, how)?")
        case .amount: question = t("涉及多少钱？", "How much money is involved?")
        case .wants: question = t("消费者希望怎么解决？（可多选）", "What does the consumer want? (any number)")
        case .contact: question = t("留下姓名和电话吗？（可以不留）", "Name and phone? (both optional)")
        case .review: question = t("请和消费者一起核对，无误后提交", "Check everything with the consumer, then submit")
        }
        grid.put(question, x: 2, y: 3, style: strong)
        switch step {
        case .shop: shopStep(model, &grid)
        case .problem:
            for (i, problem) in KioskProblem.all.enumerated() where 5 + i < model.size.height - 2 {
                let on = i == model.draft.problemSelected
                grid.put(" \(i + 1)  \(problem.text(model.language)) ", x: 4, y: 5 + i, maxWidth: model.size.width - 6, style: on ? selected : .plain)
            }
        case .story:
            let rect = Rect(x: 4, y: 5, width: KioskFiling.storyWidth(model), height: max(1, model.size.height - 9))
            grid.cursor = model.draft.story.render(into: &grid, rect: rect, style: Style(underline: true))
            let count = model.draft.story.text.count
            grid.put(t("已输入 \(count) 字", "\(count) characters"), x: 4, y: rect.y + rect.height, style: hint)
        case .amount:
            let label = t("金额（元）：", "Amount (yuan): ")
            let w = grid.put(label, x: 4, y: 5, style: strong)
            grid.cursor = model.draft.amount.render(into: &grid, x: 4 + w, y: 5, width: 16, style: Style(underline: true))
            grid.put(t("例如 680 或 680.50；不清楚或不涉及金额可以留空", "e.g. 680 or 680.50; leave empty when unknown"), x: 4, y: 7, style: hint)
        case .wants:
            for (i, code) in kioskWants.enumerated() {
                let on = i == model.draft.wantsSelected
                let mark = model.draft.wants.contains(code) ? "[x]" : "[ ]"
                grid.put(" \(mark) \(i + 1)  \(wantName(code, model)) ", x: 4, y: 5 + i, style: on ? selected : .plain)
            }
            grid.put(t("都不需要也可以直接 Enter", "none is fine too: just press Enter"), x: 4, y: 6 + kioskWants.count, style: hint)
        case .contact: contactStep(model, &grid)
        case .review: reviewStep(model, &grid)
        }
    }

    static func wantName(_ code: String, _ model: KioskModel) -> String {
        let zh = ComplaintCodes.wants[code] ?? code
        let en = ["refund": "refund", "exchange": "exchange", "repair": "repair", "apology": "apology", "compensation": "compensation"][code] ?? code
        return model.t(zh, en)
    }

    static func shopStep(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        let y = KioskLayout.filing(model.size).field.y
        let w = grid.put(t("查找：", "Search: "), x: 4, y: y, style: strong)
        grid.cursor = model.draft.shopQuery.render(into: &grid, x: 4 + w, y: y, width: 24, style: Style(underline: true))
        grid.put(t("店铺号、店名或拼音首字母", "shop number, name or pinyin initials"), x: 4 + w + 26, y: y, maxWidth: model.size.width - w - 31, style: hint)
        let choices = KioskFiling.shopChoices(model)
        let rows = KioskFiling.visibleRows(model)
        var position = model.draft.shopPosition
        position.keepVisible(count: choices.count, visibleRows: rows)
        for (row, i) in (position.offset..<min(choices.count, position.offset + rows)).enumerated() {
            let text: String
            if let merchant = choices[i] {
                text = " \(merchant.shopNumber)  \(merchant.name)  \(model.market?.branch(merchant.branch)?.name ?? "")"
            } else {
                text = t(" 不清楚是哪家店", " Don't know the shop")
            }
            grid.put(TextLayout.fit(text, width: model.size.width - 8), x: 4, y: KioskLayout.filing(model.size).list.y + row, style: i == position.selected ? selected : .plain)
        }
        if choices.count == 1 && !model.draft.shopQuery.text.isEmpty {
            grid.put(t("没有找到匹配的店铺；可以选“不清楚是哪家店”", "no shop matches; choose \"don't know\""), x: 4, y: 9, style: hint)
        }
    }

    static func contactStep(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        let focus = model.draft.contactFocus
        let labelWidth = model.language == .zh ? 8 : 10
        grid.put(t("姓名：", "Name: "), x: 4, y: 5, style: focus == 0 ? selected : strong)
        let nameAt = model.draft.name.render(into: &grid, x: 4 + labelWidth, y: 5, width: 24, style: Style(underline: true))
        grid.put(t("电话：", "Phone: "), x: 4, y: 7, style: focus == 1 ? selected : strong)
        let phoneAt = model.draft.phone.render(into: &grid, x: 4 + labelWidth, y: 7, width: 24, style: Style(underline: true))
        grid.put(t("同意被联系：", "Consent: "), x: 4, y: 9, style: focus == 2 ? selected : strong)
        let yes = t(" 同意 ", " yes "), no = t(" 不同意 ", " no ")
        let x = 4 + labelWidth + 4
        // Nothing highlighted until a phone is left (that is consent) or the consumer answers.
        let phone = !model.draft.phone.text.trimmingCharacters(in: .whitespaces).isEmpty
        let shown: Bool? = model.draft.consent ?? (phone ? true : nil)
        let used = grid.put(yes, x: x, y: 9, style: shown == true ? selected : .plain)
        grid.put(no, x: x + used + 2, y: 9, style: shown == false ? selected : .plain)
        let explanation = model.draft.consent == nil && phone
            ? t("留了电话即表示同意工作人员为这件投诉与其联系；不同意请按 n 并删去电话", "leaving a phone number is consent to be contacted about this complaint; if not, press n and delete it")
            : t("消费者同意工作人员为这件投诉与其联系（y 同意，n 不同意）", "the consumer agrees to be contacted about this complaint (y yes, n no)")
        grid.put(explanation, x: 4, y: 11, maxWidth: model.size.width - 6, style: hint)
        grid.put(t("姓名、电话只给办理投诉的工作人员看，公示和查询都不显示", "only the staff handling the case see name and phone; never shown in public"),
                 x: 4, y: 12, maxWidth: model.size.width - 6, style: hint)
        if focus == 0 { grid.cursor = nameAt } else if focus == 1 { grid.cursor = phoneAt }
    }

    static func reviewStep(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        let draft = model.draft
        let width = model.size.width - 6
        var y = 5
        func row(_ n: Int, _ label: String, _ value: String, lines: Int = 1) {
            let head = " \(n) \(label)："
            let w = grid.put(model.language == .zh ? head : " \(n) \(label): ", x: 2, y: y, style: strong)
            let wrapped = wrap(value, width: max(4, width - w))
            for (i, line) in wrapped.prefix(lines).enumerated() {
                let shown = i == lines - 1 && wrapped.count > lines ? TextLayout.truncate(line + "……", toWidth: width - w) : line
                grid.put(shown, x: 2 + w, y: y + i, maxWidth: width - w)
            }
            y += min(lines, max(1, wrapped.count))
        }
        var shop = t("未选择", "not chosen")
        if let chosen = draft.shop {
            if let number = chosen, let merchant = model.market?.merchant(shopNumber: number) {
                shop = "\(number)  \(merchant.name)"
            } else {
                shop = t("不清楚是哪家店", "not known")
            }
        }
        row(1, t("店铺", "Shop"), shop)
        let problem = draft.problem.map { KioskProblem.all[$0] }
        row(2, t("问题", "Problem"), problem.map { "\($0.text(model.language))（\($0.integrity.name(model.language))）" } ?? t("未选择", "not chosen"))
        let storyLines = max(1, model.size.height - 14)
        row(3, t("经过", "Story"), draft.story.text, lines: storyLines)
        let amount = draft.amount.text.trimmingCharacters(in: .whitespaces)
        row(4, t("金额", "Amount"), amount.isEmpty ? t("未填", "none") : t("\(Money.fen(fromYuan: amount).map { Money.yuan(fen: $0) } ?? amount) 元", "\(Money.fen(fromYuan: amount).map { Money.yuan(fen: $0) } ?? amount) yuan"))
        let wants = kioskWants.filter(draft.wants.contains).map { wantName($0, model) }
        row(5, t("诉求", "Wants"), wants.isEmpty ? t("未选", "none") : wants.joined(separator: t("、", ", ")))
        let name = draft.name.text.trimmingCharacters(in: .whitespaces)
        let phone = draft.phone.text.trimmingCharacters(in: .whitespaces)
        var contact = [name, phone].filter { !$0.isEmpty }.joined(separator: "  ")
        if contact.isEmpty { contact = t("未留", "none") }
        if !phone.isEmpty || !name.isEmpty { contact += draft.consents ? t("  （同意被联系）", "  (may be contacted)") : t("  （不同意被联系）", "  (no contact)") }
        row(6, t("联系", "Contact"), contact)
    }

    /// Lines of at most `width` columns, measured as they will be drawn (after sanitising, so a
    /// control character's visible stand-in is counted); line breaks in the text kept.
    static func wrap(_ text: String, width: Int) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).flatMap {
            TextLayout.wrap(SafeText.sanitize(String($0)), width: width)
        }
    }

    // MARK: receipt

    static func receipt(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        title(model, t("投诉登记 完成", "Complaint filed"), &grid)
        guard let receipt = model.receipt else { return }
        let w = model.size.width
        let tall = model.size.height >= 30
        var y = tall ? 4 : 2
        center(t("投诉已登记。您的受理编号是：", "The complaint is filed. Your receipt code:"), y: y, style: strong, &grid)
        y += 2
        let bigWidth = BigText.width(of: receipt.code)
        if bigWidth <= w - 2 {
            BigText.draw(receipt.code, x: (w - bigWidth) / 2, y: y, into: &grid, style: strong)
            y += BigText.height + 1
        }
        // The code once more in plain characters, spaced out, for reading aloud and copying.
        center(receipt.code.map(String.init).joined(separator: " "), y: y, style: selected, &grid)
        y += 2
        center(t("请拍照或抄下这个编号，凭它在本机“查询进度”", "Photograph or write down this code; use it under \"Check progress\""), y: y, style: .plain, &grid)
        y += 1
        if let days = receipt.workingDays, let by = receipt.answerBy {
            center(t("我们将在 \(days) 个工作日内（\(by) 前）答复是否受理", "We answer on acceptance within \(days) working days (by \(by))"), y: y, style: strong, &grid)
            if let note = receipt.estimateNote {
                center(note.text(model.language), y: y + 1, style: .plain, &grid)
            }
        }
    }

    static func center(_ text: String, y: Int, style: Style, _ grid: inout Grid) {
        let w = DisplayWidth.of(text)
        grid.put(text, x: max(0, (grid.size.width - w) / 2), y: y, style: style)
    }

    // MARK: status

    static func status(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        title(model, t("查询进度", "Check progress"), &grid)
        grid.put(t("请输入受理编号（例如 K7QM-3XH9）：", "Type the receipt code (e.g. K7QM-3XH9):"), x: 2, y: 2, style: strong)
        grid.cursor = model.codeField.render(into: &grid, x: 4, y: 4, width: 14, style: Style(underline: true))
        guard let lines = model.lookup else {
            grid.put(t("大小写均可，短横线可省略", "upper or lower case; the dash may be left out"), x: 4, y: 6, style: hint)
            return
        }
        var y = 6
        for line in lines where y < model.size.height - 2 {
            for piece in wrap(line, width: model.size.width - 6) where y < model.size.height - 2 {
                grid.put(piece, x: 4, y: y, style: line.hasPrefix(t("当前状态", "State")) ? strong : .plain)
                y += 1
            }
        }
    }

    // MARK: board

    static func board(_ model: KioskModel, _ grid: inout Grid) {
        let t = model.t
        title(model, t("诚信公示", "Public board"), &grid)
        let branches = model.market?.branches ?? []
        var x = 1
        let w1 = grid.put(t("支部：", "Branch: "), x: x, y: 1, style: strong)
        x += w1
        // The branches' full names when they all fit on the line, else their numbers.
        let fullWidth = branches.reduce(w1 + 8) { $0 + DisplayWidth.of($1.name) + 3 }
        let all = [(nil as Int?, t("全部", "all"))] + branches.map { (Optional($0.number), fullWidth < model.size.width ? $0.name : t("第\($0.number)支部", "No. \($0.number)")) }
        for (number, name) in all where x < model.size.width - 4 {
            x += grid.put(" \(name) ", x: x, y: 1, style: number == model.boardBranch ? selected : .plain) + 1
        }
        let w2 = grid.put(t("查找：", "Search: "), x: 1, y: 2, style: strong)
        grid.cursor = model.boardQuery.render(into: &grid, x: 1 + w2, y: 2, width: 20, style: Style(underline: true))
        let shops = KioskBoard.shops(model)
        grid.put(t("共 \(shops.count) 家", "\(shops.count) shops"), x: 1 + w2 + 22, y: 2, style: hint)
        let plateWidth = model.language == .zh ? 10 : 24
        let starWidth = 16
        // A branch column when there is room for it.
        let branchWidth = model.size.width >= 100 ? 10 : 0
        let nameWidth = min(32, max(10, model.size.width - 8 - plateWidth - starWidth - branchWidth - 6))
        let branchHeader = branchWidth > 0 ? TextLayout.fit(t("支部", "Branch"), width: branchWidth + 2) : ""
        let header = TextLayout.fit(t("店铺号", "Shop"), width: 7) + TextLayout.fit(t("店铺名称", "Name"), width: nameWidth + 2) + branchHeader
            + TextLayout.fit(t("挂牌", "Plate"), width: plateWidth + 2) + t("星级", "Stars")
        let layout = KioskLayout.board(model.size)
        grid.put(" " + header, x: 0, y: layout.header.y, style: Style(bold: true, underline: true))
        let rows = KioskBoard.visibleRows(model)
        var position = model.boardPosition
        position.keepVisible(count: shops.count, visibleRows: rows)
        for (row, i) in (position.offset..<min(shops.count, position.offset + rows)).enumerated() {
            let merchant = shops[i]
            let stars = model.market?.ratingLabel(of: merchant, today: model.today, language: model.language) ?? ""
            let branch = branchWidth > 0 ? TextLayout.fit(t("第\(merchant.branch)支部", "No. \(merchant.branch)"), width: branchWidth + 2) : ""
            let text = TextLayout.fit(merchant.shopNumber, width: 7) + TextLayout.fit(merchant.name, width: nameWidth + 2) + branch
                + TextLayout.fit(merchant.plate.name(model.language), width: plateWidth + 2) + stars
            grid.put(" " + TextLayout.fit(text, width: model.size.width - 2), x: 0, y: layout.rows.y + row, style: i == position.selected ? selected : .plain)
        }
        if shops.isEmpty {
            grid.put(t("没有找到匹配的店铺", "no shop matches"), x: 2, y: layout.rows.y, style: hint)
        }
    }

    static func boardShop(_ number: String, _ model: KioskModel, _ grid: inout Grid) {
        let name = model.market?.merchant(shopNumber: number)?.name ?? ""
        title(model, model.t("诚信公示", "Public board"), &grid)
        grid.put(" \(number)  \(name)", x: 0, y: 1, maxWidth: model.size.width, style: strong)
        let lines = KioskBoard.pageLines(model)
        let page = KioskLayout.boardPage(model.size)
        let scroll = PageScroll.scrolled(model.boardScroll, by: 0, lines: lines.count, visibleRows: page.height)
        for (i, line) in lines.dropFirst(scroll).prefix(page.height).enumerated() {
            grid.put(line.text, x: 2, y: page.y + i, maxWidth: model.size.width - 3, style: line.style)
        }
    }
}
