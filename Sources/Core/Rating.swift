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
        let anyAmended = !state.withdrawalsProposed.isEmpty
        // Withdrawals and corrections a revised appeal decision made count in a published period.
        let applied = anyAmended ? state.appliedAmendments(of: merchant.shopNumber, year: year) : []
        let appliedBefore = anyAmended ? state.appliedAmendments(of: merchant.shopNumber, year: year - 1) : []
        /// `record`: the record's number; `made`: the last record it needs (an entry's approval).
        func counts(day: Int, record: UInt64, made: UInt64) -> Bool {
            var made = made
            if anyAmended {
                guard state.stands(record, made: &made, asOf: notice?.sequence, applied: applied) else { return false }
            } else if let notice, made > notice.sequence {
                return false
            }
            if day >= yearStart.dayNumber && day <= asOf.dayNumber { return true }
            if let previousNotice, made > previousNotice, day >= previousStart, day < yearStart.dayNumber, !appliedBefore.contains(record) { return true }
            return false
        }
        let history = state.history
        // A published period's rectifications ignore withdrawals and corrections made after its notice.
        let amendedSinceNotice = notice.map { notice in state.withdrawalsProposed.keys.contains { $0 > notice.sequence } } ?? false
        let rectifications = amendedSinceNotice ? state.rectifications(of: merchant.shopNumber, asOf: notice?.sequence, applied: applied)
            : known ?? state.rectifications(of: merchant.shopNumber)
        let inPeriod = state.inspectionRowsInDateOrder(of: merchant.shopNumber) { day, sequence in counts(day: day, record: sequence, made: sequence) }
        guard let rules = state.rules(on: asOf) else {
            return RatingResult(status: .awaiting, lines: [], rectifications: rectifications, deductionsByIntegrity: [:])
        }
        let r = rules.value
        var lines: [ExplanationLine] = []
        // What was withdrawn or corrected stays visible: the record, who proposed and who seconded
        // it, why — and what waits for its second.
        var amended: [ExplanationLine] = []
        for (sequence, day) in (anyAmended ? state.ratingRecords(of: merchant.shopNumber) : [])
            where day >= yearStart.dayNumber && day <= yearEnd.dayNumber {
            amended += amendmentLines(of: sequence, in: state, notice: notice?.sequence, applied: applied)
        }
        if inPeriod.isEmpty {
            lines.append(ExplanationLine(zh: "\(year) 年度尚未检查：待评定", en: "no inspection in \(year): awaiting rating", points: nil, sequence: nil))
            lines += amended
            return RatingResult(status: .awaiting, lines: lines, rectifications: rectifications, deductionsByIntegrity: [:])
        }
        let checklist = Dictionary((state.checklist?.items ?? []).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        if let notice {
            lines.append(ExplanationLine(zh: "\(year) 年度星级已于 \(notice.value.date) 公示，以公示时的记录为准；此后的记录计入下一年度，已公示的星级只能经复核更改",
                                         en: "the \(year) ratings were published on \(notice.value.date): rated on the records made before; later records count towards the next period, and a published rating changes only through an appeal",
                                         points: nil, sequence: notice.sequence))
        }
        // Rules that name their scheme say it on this line; rules before the field (version 1) keep
        // the line they were explained with.
        let scheme = r.scheme.map { ($0.chineseName, $0.englishName) }
        lines.append(ExplanationLine(zh: "评分规则：第 \(r.version) 版（\(r.effectiveFrom) 起施行）" + (scheme.map { "，\($0.0)" } ?? ""),
                                     en: "rules: version \(r.version) (in force from \(r.effectiveFrom))" + (scheme.map { "; \($0.1)" } ?? ""),
                                     points: nil, sequence: rules.sequence))
        lines.append(ExplanationLine(zh: "基础分", en: "base points", points: r.basePoints, sequence: rules.sequence))
        var score = r.basePoints
        // Under the integrity scheme contribution points are the members' ledger's, not the stars'.
        let approved = !r.contributionsCount ? [] : (state.history.symbols.existing(merchant.shopNumber).flatMap { history.contributionsByShop[$0] }.map { rows in
            rows.filter { i in
                let row = history.contributions[Int(i)]
                return row.approvedBy != SymbolTable.none && counts(day: Int(row.day), record: row.sequence, made: max(row.sequence, row.approvalSequence))
            }.map { history.contribution($0) }
        } ?? [])
        if approved.isEmpty && r.contributionsCount {
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
        var mattersDeducted: [String: String] = [:]
        for deduction in state.deductions(of: merchant.shopNumber) where counts(day: deduction.value.date.dayNumber, record: deduction.sequence, made: deduction.sequence) {
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
            counts(day: $0.value.date.dayNumber, record: $0.sequence, made: $0.sequence) && r.veto.kinds.contains($0.value.kind) && state.vetoCounts($0.sequence)
        }) {
            vetoed = true
            stars = r.veto.stars
            lines.append(ExplanationLine(zh: "一票否决（\(vetoKindName(veto.value.kind))，\(veto.value.date)）：定为 \(r.veto.stars) 星。\(veto.value.reason)",
                                         en: "veto (\(veto.value.kind), \(veto.value.date)): set to \(r.veto.stars) star(s). \(veto.value.reason)",
                                         points: nil, sequence: veto.sequence))
        }
        lines += amended
        lines.append(ExplanationLine(zh: "评定结果：\(RatingStatus.rated(stars: stars, score: total, vetoed: vetoed).label(.zh))", en: "result: \(stars) stars", points: nil, sequence: nil))
        return RatingResult(status: .rated(stars: stars, score: total, vetoed: vetoed), lines: lines, rectifications: rectifications, deductionsByIntegrity: byIntegrity)
    }

    /// The explanation's lines about a record's withdrawal or correction: seconded (from when it
    /// counts, and whether an appeal's decision applied it to a published period) or waiting.
    static func amendmentLines(of record: UInt64, in state: MarketState, notice: UInt64?, applied: Set<UInt64>) -> [ExplanationLine] {
        guard let (by, proposal) = state.amendmentProposed(for: record) else { return [] }
        let corrected = proposal.isCorrection == true
        let what = corrected ? ("更正为记录 #\(by)", "corrected by record #\(by)") : ("撤回", "withdrawn")
        guard let second = proposal.secondedIn, let seconder = proposal.secondedBy else {
            return [ExplanationLine(zh: "记录 #\(record) 的\(corrected ? "更正（记录 #\(by)）" : "撤回申请（记录 #\(by)）")由 \(proposal.actor) 提出，等待另一人复核确认；确认前原记录照常计分：\(proposal.reason)",
                                    en: "record #\(record): a \(corrected ? "correction (record #\(by))" : "withdrawal (record #\(by))") proposed by \(proposal.actor) waits for someone else's second; until then the record counts as it was: \(proposal.reason)",
                                    points: nil, sequence: by)]
        }
        let effect: (String, String)
        if applied.contains(by) {
            effect = ("，经复核决定在已公示的本年度生效", "; applied to this published period by an appeal's decision")
        } else if let notice, second > notice {
            effect = ("，\(corrected ? "更正" : "撤回")在公示之后，本年度已公示的星级不变（只能经复核更改）", "; \(corrected ? "corrected" : "withdrawn") after the notice, the published rating stands (only an appeal changes it)")
        } else {
            effect = corrected ? ("，按更正后的记录计分", "; the corrected record counts in its place") : ("，不计分", "; it counts nothing")
        }
        return [ExplanationLine(zh: "记录 #\(record) 已\(what.0)（\(proposal.actor) 提出、\(seconder) 复核确认：\(proposal.reason)）\(effect.0)",
                                en: "record #\(record) \(what.1) (proposed by \(proposal.actor), seconded by \(seconder): \(proposal.reason))\(effect.1)",
                                points: 0, sequence: by)]
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
    /// Whether a record that counts in a rating stands as of record `cutoff` (nil: now): a record
    /// made by a correction from the correction's second on (`made` moves there), any record until
    /// its withdrawal or correction is seconded — unless after the cutoff. Amendments `applied` by
    /// an appeal's revised decision take effect whatever the cutoff.
    func stands(_ record: UInt64, made: inout UInt64, asOf cutoff: UInt64?, applied: Set<UInt64>) -> Bool {
        if let countsFrom = correctionCountsFrom(record) {
            guard let second = countsFrom else { return false }
            made = max(made, second)
        }
        if let cutoff, made > cutoff, !applied.contains(record) { return false }
        if let until = withdrawnIn(record) {
            guard let cutoff else { return false }
            if until < cutoff || amendments[record].map({ applied.contains($0.by) }) == true { return false }
        }
        return true
    }

    /// Whether a record that counts in a rating stands now (neither withdrawn nor corrected, and if
    /// made by a correction, seconded).
    public func stands(_ record: UInt64) -> Bool {
        var made = record
        return stands(record, made: &made, asOf: nil, applied: [])
    }

    /// The approved points of a shop's entries dated in `year` that stand (neither withdrawn nor
    /// corrected; a correction's once seconded).
    public func approvedPoints(of shop: String, in year: Int) -> Int {
        guard let id = history.symbols.existing(shop), let rows = history.contributionsByShop[id] else { return 0 }
        let anyAmended = !withdrawalsProposed.isEmpty
        return rows.reduce(0) { sum, i in
            let row = history.contributions[Int(i)]
            guard row.approvedBy != SymbolTable.none, SimpleDate(dayNumber: Int(row.day)).year == year, !anyAmended || stands(row.sequence) else { return sum }
            return sum + Int(row.points)
        }
    }

    /// The withdrawals and corrections (their record numbers) that revised appeal decisions about
    /// a shop's rating for a year put into effect in that year.
    public func appliedAmendments(of shop: String, year: Int) -> Set<UInt64> {
        var result: Set<UInt64> = []
        for appeal in appeals[shop] ?? [] where appeal.filed.year == year {
            if let decision = appeal.decision?.value, decision.outcome == .revised { result.formUnion(decision.applies ?? []) }
        }
        return result
    }

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
    /// `asOf`: as the records stood at that record (a published period's notice), with the
    /// amendments `applied` by an appeal's decision; nil: as they stand now.
    public func rectifications(of shop: String, through date: SimpleDate? = nil, asOf cutoff: UInt64? = nil, applied: Set<UInt64> = []) -> [Rectification] {
        // A withdrawn inspection opens and closes nothing; a correction's, once seconded, does.
        let anyAmended = !withdrawalsProposed.isEmpty
        var rows = inspectionRowsInDateOrder(of: shop) { _, sequence in
            var made = sequence
            return !anyAmended || stands(sequence, made: &made, asOf: cutoff, applied: applied)
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
                    open[item] = result.count
                    result.append(Rectification(item: history.symbols[item], severity: severity, openedBy: inspection.sequence, openedOn: date,
                                                deadline: rectificationDeadline(failedOn: date, severity), closedBy: nil, closedOn: nil))
                case .notApplicable:
                    break
                }
            }
        }
        return result
    }
}

extension MarketState {
    /// The rectification deadline of an item failed on `date`: the working days that the rules in
    /// force on that date (not today's: a paper record entered late keeps its own) give for the
    /// severity, counted on the market's calendar; 10 before any rules are published. The one
    /// rule the inspection form shows and the rating engine counts.
    /// (Asked for every failure when the ratings are worked out: the date alone; the form asks the
    /// calendar how sure it is, `WorkingCalendar.deadline(from:to:)`.)
    public func rectificationDeadline(failedOn date: SimpleDate, _ severity: Severity) -> SimpleDate {
        calendar.addingWorkingDays(rules(on: date)?.value.rectificationDays(severity) ?? 10, to: date)
    }

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
        for deduction in deductions(of: shop) { records.append((deduction.sequence, deduction.value.date.dayNumber)) }
        for veto in vetoes[shop] ?? [] { records.append((veto.sequence, veto.value.date.dayNumber)) }
        return records.sorted { $0.sequence < $1.sequence }
    }

    /// A shop's confirmed complaint deductions, those made by corrections included, in log order.
    func deductions(of shop: String) -> [Sequenced<ComplaintDeductionConfirmed>] {
        let confirmed = (deductionsByShop[shop] ?? []).compactMap { complaintDeductions[$0] }
        guard let corrected = correctedDeductions[shop] else { return confirmed }
        return (confirmed + corrected).sorted { $0.sequence < $1.sequence }
    }

    /// The shop a record that counts in a rating is about, if it is one.
    public func shopOfRatingRecord(_ sequence: UInt64) -> String? {
        ratingRecord(sequence)?.shop(in: self)
    }

    /// A record that counts in a rating — an inspection, a contribution entry, a complaint
    /// deduction, a veto, as first recorded or as a correction made it — by its record number.
    public func ratingRecord(_ sequence: UInt64) -> CorrectedRecord? {
        if let row = history.inspectionRow(sequence: sequence) { return .inspection(history.inspection(UInt32(row)).value) }
        if let entry = contributions.entry(recordedBy: sequence) { return .contribution(entry.entry) }
        if let deduction = complaintDeductions.values.first(where: { $0.sequence == sequence })
            ?? correctedDeductions.values.joined().first(where: { $0.sequence == sequence }) {
            return .deduction(deduction.value)
        }
        return vetoes.values.joined().first { $0.sequence == sequence }.map { .veto($0.value) }
    }
}

extension CorrectedRecord {
    /// The shop the record is about.
    public func shop(in market: MarketState) -> String? {
        switch self {
        case .inspection(let value): return value.shop
        case .contribution(let value): return value.shop
        case .veto(let value): return value.shop
        case .deduction(let value): return market.complaints.shopAndIntegrity(value.receipt)?.shop
        }
    }

    /// Whether a correction may put `other` in this record's place: the same kind of record about
    /// the same shop — by the same inspector, or for the same complaint.
    public func sameSubject(as other: CorrectedRecord) -> Bool {
        switch (self, other) {
        case (.inspection(let a), .inspection(let b)): return a.shop == b.shop && a.inspector == b.inspector
        case (.contribution(let a), .contribution(let b)): return a.shop == b.shop
        case (.veto(let a), .veto(let b)): return a.shop == b.shop
        case (.deduction(let a), .deduction(let b)): return a.receipt == b.receipt
        default: return false
        }
    }
}
