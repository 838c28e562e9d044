import Foundation

/// What people type, checked in one place: every free-text field's limit in characters and in
/// bytes, blank names, and the full-width forms an IME leaves in codes, phones and searches.
///
/// Characters are counted as Unicode scalars (code points), never as grapheme clusters: a
/// cluster can hold any number of combining marks (120 KB of them would be "one character"), so
/// the limits would bound nothing. Bytes are the text's UTF-8 length, as the log stores it. A
/// field holding Chinese text at its character limit fits its byte limit (3 bytes a character).
///
/// The table is code, not rules data: the limits bound what a record may weigh (the log, the
/// snapshot, a screen), they are not the market's policy, and they must hold before any rules
/// are recorded (the first user is added before anything else). docs/domain-model.md prints it.
public enum TextField: String, Sendable, CaseIterable {
    case complaintText, consumerName, consumerPhone, stepNote, resolutionOutcome, inspectionNote,
         pointsEvidence, appealReason, decisionReason, replyText, vetoReason, amendmentReason,
         displayName, code, rosterField, pointsReason

    /// The field's limits and its name in messages.
    public var limit: TextLimit { TextLimits.table[self] ?? TextLimits.fallback }
}

public struct TextLimit: Sendable, Equatable {
    /// At most this many Unicode scalars.
    public let characters: Int
    /// At most this many bytes of UTF-8.
    public let bytes: Int
    /// Whether a present value may be blank (only spaces, invisible or control characters).
    public let blankAllowed: Bool
    public let zh: String
    public let en: String
}

public enum TextLimits {
    /// Field → limits. Printed in docs/domain-model.md ("Limits on typed text"); change both together.
    public static let table: [TextField: TextLimit] = [
        .complaintText: TextLimit(characters: 5000, bytes: 15000, blankAllowed: false, zh: "投诉内容", en: "the complaint text"),
        .consumerName: TextLimit(characters: 50, bytes: 150, blankAllowed: false, zh: "消费者姓名", en: "the consumer's name"),
        .consumerPhone: TextLimit(characters: 20, bytes: 20, blankAllowed: false, zh: "电话号码", en: "the phone number"),
        .stepNote: TextLimit(characters: 1000, bytes: 3000, blankAllowed: true, zh: "办理备注", en: "the note"),
        .resolutionOutcome: TextLimit(characters: 500, bytes: 1500, blankAllowed: false, zh: "调解结果", en: "the outcome"),
        .inspectionNote: TextLimit(characters: 500, bytes: 1500, blankAllowed: true, zh: "检查项备注", en: "the item's note"),
        .pointsEvidence: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "贡献分依据", en: "the evidence"),
        .appealReason: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "复核理由", en: "the appeal's reason"),
        .decisionReason: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "复核决定理由", en: "the decision's reason"),
        .replyText: TextLimit(characters: 500, bytes: 1500, blankAllowed: false, zh: "商户回应", en: "the reply"),
        .vetoReason: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "一票否决的事实和理由", en: "the veto's reason"),
        .amendmentReason: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "更正或撤回的理由", en: "the reason for the correction"),
        .displayName: TextLimit(characters: 32, bytes: 96, blankAllowed: false, zh: "显示名", en: "the display name"),
        .code: TextLimit(characters: 64, bytes: 256, blankAllowed: false, zh: "代码或编号", en: "the code"),
        .rosterField: TextLimit(characters: 500, bytes: 1500, blankAllowed: false, zh: "名册字段", en: "the roster field"),
        .pointsReason: TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "扣分理由", en: "the deduction's reason"),
    ]

    static let fallback = TextLimit(characters: 1000, bytes: 3000, blankAllowed: false, zh: "文字", en: "the text")

    /// A grapheme cluster (what a reader sees as one character) holds at most this many scalars:
    /// enough for any script and for emoji sequences (👨‍👩‍👧‍👦 is 7), not for a pile of combining marks.
    public static let scalarsPerCluster = 16

    /// Why `text` cannot go into `field`, or nil when it can.
    public static func problem(_ text: String, _ field: TextField) -> LocalizedMessage? {
        let limit = field.limit
        if text.unicodeScalars.contains("\u{FFFD}") {
            return LocalizedMessage(zh: "\(limit.zh)含有无法识别的字节（显示为 �），请重新输入", en: "\(limit.en) holds bytes that are not valid UTF-8 (shown as �); type it again")
        }
        if !limit.blankAllowed && isBlank(text) {
            return LocalizedMessage(zh: "\(limit.zh)不能为空或只有空格", en: "\(limit.en) must not be empty or only spaces")
        }
        let characters = text.unicodeScalars.count
        if characters > limit.characters {
            return LocalizedMessage(zh: "\(limit.zh)过长：\(characters) 个字符，最多 \(limit.characters) 个",
                                    en: "\(limit.en) is too long: \(characters) characters, at most \(limit.characters)")
        }
        let bytes = text.utf8.count
        if bytes > limit.bytes {
            return LocalizedMessage(zh: "\(limit.zh)过长：\(bytes) 字节，最多 \(limit.bytes) 字节",
                                    en: "\(limit.en) is too long: \(bytes) bytes, at most \(limit.bytes)")
        }
        if let heavy = text.first(where: { $0.unicodeScalars.count > scalarsPerCluster }) {
            return LocalizedMessage(zh: "\(limit.zh)中有一个字符叠加了 \(heavy.unicodeScalars.count - 1) 个组合符号，每个字符最多 \(scalarsPerCluster) 个码位",
                                    en: "\(limit.en) has a character with \(heavy.unicodeScalars.count - 1) combining marks; at most \(scalarsPerCluster) code points make one character")
        }
        return nil
    }

    /// Throws `problem(text, field)`.
    public static func check(_ text: String, _ field: TextField) throws(LocalizedMessage) {
        if let problem = problem(text, field) { throw problem }
    }

    /// Nothing but spaces, line breaks, invisible (format, default-ignorable) or control characters.
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { scalar in
            let properties = scalar.properties
            switch properties.generalCategory {
            case .control, .format, .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
            default: return properties.isWhitespace || properties.isDefaultIgnorableCodePoint
            }
        }
    }

    /// Every typed text field of an event: the one check every path that records an event runs
    /// (the gate in Recording.swift and the command line's writer).
    public static func check(_ body: EventBody) throws(LocalizedMessage) {
        for (field, text) in typedFields(of: body) {
            if let text { try check(text, field) }
        }
    }

    /// The typed text of an event, field by field (nil: the optional field was left out).
    public static func typedFields(of body: EventBody) -> [(TextField, String?)] {
        switch body {
        case .userRegistered(let user):
            return [(.displayName, user.displayName)]
        case .inspectionRecorded(let inspection):
            return [(.code, inspection.shop)] + inspection.outcomes.flatMap { [(TextField.code, $0.item), (.inspectionNote, $0.note)] }
        case .contributionRecorded(let entry):
            return [(.code, entry.shop), (.pointsEvidence, entry.evidence)]
        case .vetoConfirmed(let veto):
            return [(.code, veto.shop), (.code, veto.kind), (.vetoReason, veto.reason)]
        case .complaintFiled(let complaint):
            return [(.code, complaint.shop), (.code, complaint.category), (.complaintText, complaint.text),
                    (.consumerName, complaint.consumerName), (.consumerPhone, complaint.consumerPhone)]
                + complaint.wants.map { (TextField.code, $0) }
        case .complaintStep(let step):
            var fields: [(TextField, String?)] = [(.code, step.receipt), (.stepNote, step.note)]
            switch step.action {
            case .reject(let reason), .terminate(let reason): fields.append((.code, reason))
            case .forward(let department): fields.append((.code, department))
            case .resolve(let outcome, _, _): fields.append((.resolutionOutcome, outcome))
            default: break
            }
            return fields
        case .complaintDeductionConfirmed(let deduction):
            return [(.code, deduction.receipt)]
        case .complaintLinked(let link):
            return [(.code, link.receipt), (.code, link.duplicateOf)]
        case .appealFiled(let appeal):
            return [(.code, appeal.shop), (.appealReason, appeal.reason)]
        case .appealDecided(let decision):
            return [(.decisionReason, decision.reason)]
        case .replyPublished(let reply):
            return [(.code, reply.shop), (.replyText, reply.text)]
        case .withdrawn(let withdrawal):
            return [(.amendmentReason, withdrawal.reason)]
        case .conductPublished(let conduct):
            return conduct.articles.map { (TextField.rosterField, $0) }
        case .pledgeMade(let made):
            return [(.code, made.shop), (.rosterField, made.text)]
        case .pledgeWithdrawn(let withdrawal):
            return [(.code, withdrawal.shop), (.rosterField, withdrawal.text), (.amendmentReason, withdrawal.reason)]
        case .recordCorrected(let correction):
            return [(.amendmentReason, correction.reason)] + typedFields(of: correction.record.body)
        case .merchantCorrected(let correction):
            return [(.amendmentReason, correction.reason)]
        case .memberRegistered(let member):
            return [(.code, member.id), (.rosterField, member.name)] + member.shops.map { (TextField.code, $0) }
        case .memberCorrected(let correction):
            return [(.amendmentReason, correction.reason), (.code, correction.member.id), (.rosterField, correction.member.name)]
                + correction.member.shops.map { (TextField.code, $0) }
        case .panelNamed(let panel):
            return panel.members.map { (TextField.code, $0) }
        case .pointsDeducted(let deduction):
            return [(.code, deduction.member), (.code, deduction.item), (.pointsReason, deduction.reason)]
        case .pointsContributed(let contribution):
            return [(.code, contribution.member), (.pointsEvidence, contribution.evidence)]
        case .pointsAppraised(let appraisal):
            return [(.code, appraisal.member), (.pointsEvidence, appraisal.evidence)]
        case .pointsApproved(let approval):
            return [(.code, approval.member)]
        default:
            return []
        }
    }
}

/// Codes, phone numbers, PINs and search queries as people type them: the full-width ASCII forms
/// a Chinese IME produces (ＡＢ１２, U+FF01–U+FF5E) become ASCII (NFKC for that range), the
/// ideographic space U+3000 a space, and the ends are trimmed. Free text is never folded: it is
/// kept as typed.
public enum TypedCode {
    public static func normalise(_ text: String) -> String {
        fold(text).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The full-width forms folded, nothing else changed (for one key at a time).
    public static func fold(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isFullWidth($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(fold(scalar)) }
        return String(out)
    }

    public static func fold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0xFF01...0xFF5E: return Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
        case 0x3000: return " "
        default: return scalar
        }
    }

    /// The character with its full-width form folded (a key typed at a field).
    public static func fold(_ character: Character) -> Character {
        guard character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, isFullWidth(scalar) else { return character }
        return Character(fold(scalar))
    }

    static func isFullWidth(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF01...0xFF5E).contains(scalar.value) || scalar.value == 0x3000
    }
}
