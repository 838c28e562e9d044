/// The rating a merchant shows.
public enum RatingStatus: Sendable, Equatable {
    /// 待评定: no inspection yet in the period.
    case awaiting
    case rated(stars: Int, score: Int, vetoed: Bool)

    public func label(_ language: Language) -> String {
        switch self {
        case .awaiting: return language.pick("待评定", "awaiting")
        case .rated(let stars, _, let vetoed):
            // A veto is marked wherever the stars are shown: a consumer must tell counterfeit goods
            // from a missing poster (docs/domain-model.md, "The rating").
            return String(repeating: "★", count: stars) + String(repeating: "☆", count: max(0, 5 - stars))
                + (vetoed ? language.pick(" 一票否决", " veto") : "")
        }
    }

    public var stars: Int? {
        if case .rated(let stars, _, _) = self { return stars }
        return nil
    }
}

/// One line of a rating's arithmetic, traceable to the event it comes from.
public struct ExplanationLine: Sendable, Equatable {
    public var zh: String
    public var en: String
    /// Points added (positive) or taken (negative); nil for lines that state a rule or a result.
    public var points: Int?
    /// The log sequence number of the event behind the line.
    public var sequence: UInt64?

    public func text(_ language: Language) -> String { language.pick(zh, en) }
}

/// A merchant's rating for a period with its explanation.
public struct RatingResult: Sendable, Equatable {
    public var status: RatingStatus
    public var lines: [ExplanationLine]
    public var rectifications: [Rectification]
    public var deductionsByIntegrity: [Integrity: Int]
}

/// The rating engine (定星级): every number comes from the rules in force (data), every line
/// of the result names its event. Deterministic: the date "today" is passed in.
public enum RatingEngine {
    /// `rectifications`: the shop's rectifications when already worked out for this state (see
    /// `MarketState.rectificationKey(of:)`); they depend on its whole history, the rest on the year.
    public static func rate(_ merchant: Merchant, in state: MarketState, year: Int, today: SimpleDate,
                            rectifications known: [Rectification]? = nil) -> RatingResult {
        guard let yearEnd = SimpleDate(year: year, month: 12, day: 31), let yearStart = SimpleDate(year: year, month: 1, day: 1) else {
            return RatingResult(status: .awaiting, lines: [], rectifications: [], deductionsByIntegrity: [:])
        }
        // A published period is frozen (docs/domain-model.md, "Published ratings are frozen"): it is
        // rated as of its notice on the records made before it; records made after a notice count
        // towards the next period, even when dated in the one it closed.
        let notice = state.ratingsPublished[year].flatMap { $0.value.date <= today ? $0 : nil }
        let asOf = min(notice?.value.date ?? today, today, yearEnd)
        let previousNotice = state.ratingsPublished[year - 1]?.sequence
        let previousStart = SimpleDate(year: year - 1, month: 1, day: 1)?.dayNumber ?? yearStart.dayNumber
        let anyWithdrawn = !state.withdrawalsProposed.isEmpty
        func counts(day: Int, sequence: UInt64) -> Bool {
            if let notice, sequence > notice.sequence { return false }
            // Withdrawn (and seconded) — unless only after this period's notice: a published rating
            // changes only through an appeal.
            if anyWithdrawn, let withdrawn = state.withdrawnIn(sequence), notice.map({ withdrawn < $0.sequence }) ?? true { return false }
            if day >= yearStart.dayNumber && day <= asOf.dayNumber { return true }
            if let previousNotice, sequence > previousNotice, day >= previousStart, day < yearStart.dayNumber { return true }
            return false
        }
        let history = state.history
        // A published period's rectifications ignore withdrawals made after its notice.
        let withdrawnSinceNotice = notice.map { notice in state.withdrawalsProposed.values.contains { ($0.secondedIn ?? 0) > notice.sequence } } ?? false
        let rectifications = withdrawnSinceNotice ? state.rectifications(of: merchant.shopNumber, withdrawnBefore: notice?.sequence)
            : known ?? state.rectifications(of: merchant.shopNumber)
        let inPeriod = state.inspectionRowsInDateOrder(of: merchant.shopNumber) { day, sequence in counts(day: day, sequence: sequence) }
        guard let rules = state.rules(on: asOf) else {
            return RatingResult(status: .awaiting, lines: [], rectifications: rectifications, deductionsByIntegrity: [:])
        }
        let r = rules.value
        var lines: [ExplanationLine] = []
        // What was withdrawn stays visible: the record, who withdrew it, who seconded it, why.
        var withdrawn: [ExplanationLine] = []
        for (sequence, day) in (state.withdrawalsProposed.isEmpty ? [] : state.ratingRecords(of: merchant.shopNumber))
            where day >= yearStart.dayNumber && day <= yearEnd.dayNumber {
            guard let withdrawnIn = state.withdrawnIn(sequence), let amendment = state.withdrawal(of: sequence) else { continue }
            let seconder = state.withdrawalsProposed[amendment.by]?.secondedBy ?? ""
            let frozenAfter = notice.map { withdrawnIn > $0.sequence } ?? false
            withdrawn.append(ExplanationLine(zh: "记录 #\(sequence) 已撤回（\(amendment.actor) 提出、\(seconder) 复核确认：\(amendment.reason)）" + (frozenAfter ? "，撤回在公示之后，本年度已公示的星级不变" : "，不计分"),
                                             en: "record #\(sequence) withdrawn (by \(amendment.actor), seconded by \(seconder): \(amendment.reason))" + (frozenAfter ? "; withdrawn after the notice, the published rating stands" : "; it counts nothing"),
                                             points: 0, sequence: amendment.by))
        }
        if inPeriod.isEmpty {
            lines.append(ExplanationLine(zh: "\(year) 年度尚未检查：待评定", en: "no inspection in \(year): awaiting rating", points: nil, sequence: nil))
            lines += withdrawn
            return RatingResult(status: .awaiting, lines: lines, rectifications: rectifications, deductionsByIntegrity: [:])
        }
        let checklist = Dictionary((state.checklist?.items ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if let notice {
            lines.append(ExplanationLine(zh: "\(year) 年度星级已于 \(notice.value.date) 公示，以公示时的记录为准；此后的记录计入下一年度，已公示的星级只能经复核更改",
                                         en: "the \(year) ratings were published on \(notice.value.date): rated on the records made before; later records count towards the next period, and a published rating changes only through an appeal",
                                         points: nil, sequence: notice.sequence))
        }
        lines.append(ExplanationLine(zh: "评分规则：第 \(r.version) 版（\(r.effectiveFrom) 起施行）", en: "rules: version \(r.version) (in force from \(r.effectiveFrom))", points: nil, sequence: rules.sequence))
        lines.append(ExplanationLine(zh: "基础分", en: "base points", points: r.basePoints, sequence: rules.sequence))
        var score = r.basePoints
        let approved = state.history.symbols.existing(merchant.shopNumber).flatMap { history.contributionsByShop[$0] }.map { rows in
            rows.filter { i in
                let row = history.contributions[Int(i)]
                return row.approvedBy != SymbolTable.none && counts(day: Int(row.day), sequence: max(row.sequence, row.approvalSequence))
            }.map { history.contribution($0) }
        } ?? []
        if approved.isEmpty {
            lines.append(ExplanationLine(zh: "贡献分（上限 \(r.contributionCap)）：本年度尚无经审批的贡献", en: "contribution points (cap \(r.contributionCap)): none approved this year", points: 0, sequence: nil))
        }
        var contribution = 0
        for entry in approved {
            let counted = min(entry.entry.points, max(0, r.contributionCap - contribution))
            contribution += counted
            let capped = counted < entry.entry.points ? "（超出上限 \(r.contributionCap)，只计 \(counted)）" : ""
            lines.append(ExplanationLine(zh: "贡献分 \(entry.entry.kind.chineseName) \(entry.entry.date)：\(entry.entry.evidence)（\(entry.enteredBy) 登记，\(entry.approvedBy ?? "") 审批）\(capped)",
                                         en: "contribution (\(entry.entry.kind.rawValue)) \(entry.entry.date): \(entry.entry.evidence) (entered by \(entry.enteredBy), approved by \(entry.approvedBy ?? ""))\(counted < entry.entry.points ? " (cap \(r.contributionCap): counts \(counted))" : "")",
                                         points: counted, sequence: entry.approvalSequence))
        }
        score += contribution
        var byIntegrity: [Integrity: Int] = [:]
        func deduct(_ points: Int, _ item: ChecklistItem?, zh: String, en: String, sequence: UInt64) {
            score -= points
            if let integrity = item.flatMap({ integrity(of: $0.category) }) { byIntegrity[integrity, default: 0] += points }
            lines.append(ExplanationLine(zh: zh, en: en, points: -points, sequence: sequence))
        }
        for row in inPeriod {
            let inspection = history.inspections[Int(row)]
            let date = SimpleDate(dayNumber: Int(inspection.day))
            history.forEachOutcome(of: row) { itemID, result, severity in
                guard result == .fail else { return }
                let severity = severity ?? .minor
                let points = severity == .minor ? r.deductions.minor : r.deductions.serious
                let name = history.symbols[itemID]
                let item = checklist[name]
                let label = item.map { "\($0.id) \($0.text)（\($0.category.chineseName)）" } ?? name
                deduct(points, item,
                       zh: "\(date) 检查不合格（\(severity.chineseName)）：\(label)",
                       en: "\(date) inspection failed (\(severity.rawValue)): \(item.map { "\($0.id) (\($0.category.englishName))" } ?? name)",
                       sequence: inspection.sequence)
            }
        }
        let deductions = (state.deductionsByShop[merchant.shopNumber] ?? []).compactMap { state.complaintDeductions[$0] }.sorted { $0.sequence < $1.sequence }
        var mattersDeducted: [String: String] = [:]
        for deduction in deductions where counts(day: deduction.value.date.dayNumber, sequence: deduction.sequence) {
            guard let (shop, integrity) = state.complaints.shopAndIntegrity(deduction.value.receipt), shop == merchant.shopNumber else { continue }
            let receipt = deduction.value.receipt
            // One matter, one deduction: a duplicate linked to a complaint already deducted counts nothing.
            let matter = state.matter(of: receipt)
            if let first = mattersDeducted[matter] {
                lines.append(ExplanationLine(zh: "\(deduction.value.date) 投诉 \(receipt) 与 \(first) 是同一件事（重复投诉），不再扣分",
                                             en: "\(deduction.value.date) complaint \(receipt) is the same matter as \(first) (a duplicate): not deducted again",
                                             points: 0, sequence: deduction.sequence))
                continue
            }
            mattersDeducted[matter] = receipt
            let points = deduction.value.severity == .minor ? r.deductions.minor : r.deductions.serious
            score -= points
            byIntegrity[integrity, default: 0] += points
            lines.append(ExplanationLine(zh: "\(deduction.value.date) 投诉属实（\(deduction.value.severity.chineseName)，\(integrity.chineseName)）：受理编号 \(receipt)",
                                         en: "\(deduction.value.date) complaint upheld (\(deduction.value.severity.rawValue), \(integrity.englishName)): receipt \(receipt)",
                                         points: -points, sequence: deduction.sequence))
        }
        if r.overdueRectificationRepeats {
            for rectification in rectifications where rectification.deadline >= yearStart && rectification.deadline < asOf && rectification.isOverdue(on: asOf) {
                let points = rectification.severity == .minor ? r.deductions.minor : r.deductions.serious
                let item = checklist[rectification.item]
                deduct(points, item,
                       zh: "整改逾期：\(rectification.item) 应于 \(rectification.deadline) 前复查合格\(rectification.closedOn.map { "，实际 \($0)" } ?? "，至今未整改")",
                       en: "rectification overdue: \(rectification.item) was due by \(rectification.deadline)\(rectification.closedOn.map { ", done \($0)" } ?? ", still open")",
                       sequence: rectification.openedBy)
            }
        }
        let total = max(0, min(100, score))
        var stars = r.stars(forScore: total)
        let threshold = r.starThresholds.filter { $0.stars == stars }.map(\.minScore).first
        lines.append(ExplanationLine(zh: "得分 \(total) → \(stars) 星" + (threshold.map { "（≥\($0)）" } ?? ""),
                                     en: "score \(total) → \(stars) stars" + (threshold.map { " (≥\($0))" } ?? ""), points: nil, sequence: nil))
        for integrity in Integrity.allCases {
            if let taken = byIntegrity[integrity], taken >= r.integrityCap.threshold, stars > r.integrityCap.maxStars {
                stars = r.integrityCap.maxStars
                lines.append(ExplanationLine(zh: "\(integrity.chineseName)扣分 \(taken) ≥ \(r.integrityCap.threshold)：星级不超过 \(r.integrityCap.maxStars) 星",
                                             en: "\(integrity.englishName) deductions \(taken) ≥ \(r.integrityCap.threshold): at most \(r.integrityCap.maxStars) stars",
                                             points: nil, sequence: nil))
            }
        }
        var vetoed = false
        if let veto = (state.vetoes[merchant.shopNumber] ?? []).first(where: {
            counts(day: $0.value.date.dayNumber, sequence: $0.sequence) && r.veto.kinds.contains($0.value.kind) && state.vetoCounts($0.sequence)
        }) {
            vetoed = true
            stars = r.veto.stars
            lines.append(ExplanationLine(zh: "一票否决（\(vetoKindName(veto.value.kind))，\(veto.value.date)）：定为 \(r.veto.stars) 星。\(veto.value.reason)",
                                         en: "veto (\(veto.value.kind), \(veto.value.date)): set to \(r.veto.stars) star(s). \(veto.value.reason)",
                                         points: nil, sequence: veto.sequence))
        }
        lines += withdrawn
        lines.append(ExplanationLine(zh: "评定结果：\(RatingStatus.rated(stars: stars, score: total, vetoed: vetoed).label(.zh))", en: "result: \(stars) stars", points: nil, sequence: nil))
        return RatingResult(status: .rated(stars: stars, score: total, vetoed: vetoed), lines: lines, rectifications: rectifications, deductionsByIntegrity: byIntegrity)
    }

    public static func integrity(of category: ChecklistItem.Category) -> Integrity? {
        switch category {
        case .identity: return nil
        case .consumer: return .consumer
        case .price: return .price
        case .tax: return .tax
        case .quality: return .quality
        }
    }

    public static func vetoKindName(_ kind: String) -> String {
        switch kind {
        case "counterfeit": return "售假"
        case "tax-evasion": return "偷逃税"
        case "criminal-case": return "刑事案件"
        default: return kind
        }
    }
}

extension MarketState {
    public func rating(of merchant: Merchant, today: SimpleDate) -> RatingStatus {
        RatingEngine.rate(merchant, in: self, year: today.year, today: today).status
    }
}

extension MarketState {
    /// A shop's inspections (compact row numbers) in date order, ties in log order.
    func inspectionRowsInDateOrder(of shop: String, where include: (_ day: Int, _ sequence: UInt64) -> Bool = { _, _ in true }) -> [UInt32] {
        guard let id = history.symbols.existing(shop), let rows = history.inspectionsByShop[id] else { return [] }
        let all = history.inspections
        return rows.filter { include(Int(all[Int($0)].day), all[Int($0)].sequence) }.sorted { a, b in
            let x = all[Int(a)], y = all[Int(b)]
            return x.day != y.day ? x.day < y.day : x.sequence < y.sequence
        }
    }

    /// What a shop's rectifications depend on, as far as it can change: its inspections (rows are
    /// only ever added) and the versions of the rules. The calendar is compared by the caller.
    public struct RectificationKey: Sendable, Equatable {
        let inspections: Int
        let lastSequence: UInt64
        let ruleVersions: Int
        let amendments: Int
    }

    public func rectificationKey(of shop: String) -> RectificationKey {
        let rows = history.symbols.existing(shop).flatMap { history.inspectionsByShop[$0] } ?? []
        return RectificationKey(inspections: rows.count, lastSequence: rows.last.map { history.inspections[Int($0)].sequence } ?? 0,
                                ruleVersions: ruleVersions.count, amendments: amendments.count)
    }

    /// A shop's rectifications, from its inspections up to `date` (all when nil), in date order:
    /// a failure opens one (deadline from the rules in force, in working days); a later pass of the
    /// same item closes it.
    /// `withdrawnBefore`: only withdrawals that count before that record (a published period's
    /// notice) are taken into account.
    public func rectifications(of shop: String, through date: SimpleDate? = nil, withdrawnBefore cutoff: UInt64? = nil) -> [Rectification] {
        // A withdrawn inspection opens and closes nothing.
        let anyWithdrawn = !withdrawalsProposed.isEmpty
        var rows = inspectionRowsInDateOrder(of: shop) { _, sequence in
            guard anyWithdrawn, let withdrawn = withdrawnIn(sequence) else { return true }
            return cutoff.map { withdrawn > $0 } ?? false
        }
        if let date { rows = rows.filter { Int(history.inspections[Int($0)].day) <= date.dayNumber } }
        return rectifications(rows: rows)
    }

    func rectifications(rows: [UInt32]) -> [Rectification] {
        var result: [Rectification] = []
        // The open rectification of each item, if any (at most one per item is open at a time),
        // so that a long history is walked once rather than searched for every outcome.
        var open: [UInt32: Int] = [:]
        for row in rows {
            let inspection = history.inspections[Int(row)]
            if inspection.exceptionCount == 0 {
                // Every item passed (most inspections): only open rectifications can change.
                guard !open.isEmpty else { continue }
                let items = history.lists[inspection.items]
                for (item, i) in open where items.contains(item) {
                    result[i].closedBy = inspection.sequence
                    result[i].closedOn = SimpleDate(dayNumber: Int(inspection.day))
                    open[item] = nil
                }
                continue
            }
            let date = SimpleDate(dayNumber: Int(inspection.day))
            history.forEachOutcome(of: row) { item, outcome, severity in
                let openIndex = open[item]
                switch outcome {
                case .pass:
                    if let i = openIndex {
                        result[i].closedBy = inspection.sequence
                        result[i].closedOn = date
                        open[item] = nil
                    }
                case .fail:
                    guard openIndex == nil else { return }
                    let severity = severity ?? .minor
                    let days = rules(on: date).map { severity == .minor ? $0.value.rectificationDays.minor : $0.value.rectificationDays.serious } ?? 10
                    open[item] = result.count
                    result.append(Rectification(item: history.symbols[item], severity: severity, openedBy: inspection.sequence, openedOn: date,
                                                deadline: calendar.addingWorkingDays(days, to: date), closedBy: nil, closedOn: nil))
                case .notApplicable:
                    break
                }
            }
        }
        return result
    }
}

extension MarketState {
    /// A shop's records that count in a rating — inspections, contribution entries, complaint
    /// deductions, vetoes — as (record number, day), the ones a withdrawal may name.
    public func ratingRecords(of shop: String) -> [(sequence: UInt64, day: Int)] {
        var records: [(sequence: UInt64, day: Int)] = []
        if let id = history.symbols.existing(shop) {
            for row in history.inspectionsByShop[id] ?? [] {
                let inspection = history.inspections[Int(row)]
                records.append((inspection.sequence, Int(inspection.day)))
            }
            for row in history.contributionsByShop[id] ?? [] {
                let entry = history.contributions[Int(row)]
                records.append((entry.sequence, Int(entry.day)))
            }
        }
        for receipt in deductionsByShop[shop] ?? [] {
            if let deduction = complaintDeductions[receipt] { records.append((deduction.sequence, deduction.value.date.dayNumber)) }
        }
        for veto in vetoes[shop] ?? [] { records.append((veto.sequence, veto.value.date.dayNumber)) }
        return records.sorted { $0.sequence < $1.sequence }
    }

    /// The shop a record that counts in a rating is about, if it is one.
    public func shopOfRatingRecord(_ sequence: UInt64) -> String? {
        if let row = history.inspectionRow(sequence: sequence) { return history.symbols[history.inspections[row].shop] }
        if let entry = contributions.entry(recordedBy: sequence) { return entry.entry.shop }
        if let deduction = complaintDeductions.values.first(where: { $0.sequence == sequence }) {
            return complaints.shopAndIntegrity(deduction.value.receipt)?.shop
        }
        return vetoes.first { $0.value.contains { $0.sequence == sequence } }?.key
    }
}
