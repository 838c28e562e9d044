import ArgumentParser
import Core
import Foundation
import Storage

struct ConductCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conduct", abstract: "The code of conduct (定守则): show the version in force, or publish a new version from a file.",
        subcommands: [ConductShow.self, ConductPublish.self])
}

struct ConductShow: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The code of conduct in force, and the checklist items citing each article.")
    @OptionGroup var common: CommonOptions

    func run() throws {
        let market = try common.openForReading().market
        guard let conduct = market.conduct else { throw Console.fail(common.t("尚未发布守则", "no code of conduct has been published")) }
        var lines = [common.t("诚信经营守则 第 \(conduct.value.version) 版，\(conduct.value.effectiveFrom) 起施行（记录 #\(conduct.sequence)）",
                              "code of conduct version \(conduct.value.version), in force from \(conduct.value.effectiveFrom) (record #\(conduct.sequence))")]
        for (i, article) in conduct.value.articles.enumerated() {
            lines.append("\(i + 1). \(article)")
            let items = (market.checklist?.items ?? []).filter { $0.article == i + 1 }.map(\.id)
            if !items.isEmpty { lines.append(common.t("   检查项：", "   checklist: ") + items.joined(separator: "、")) }
        }
        Console.out(lines.joined(separator: "\n"))
    }
}

struct ConductPublish: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish a new version of the code of conduct (market managers).")
    @OptionGroup var common: CommonOptions
    @OptionGroup var actor: ActorOptions
    @Argument(help: "A UTF-8 text file like seeds/code-of-conduct.txt: first line 版本 N，YYYY-MM-DD 起施行, then one article per line.")
    var file: String

    static let maximumFileSize = 256 * 1024

    func run() throws {
        do {
            let text = try CalendarAddYear.readText(file, maximumSize: Self.maximumFileSize, common,
                                                    tooLarge: LocalizedMessage(zh: "文件 \(file) 超过 256 KB，不像是一份守则", en: "the file \(file) is over 256 KB: not a code of conduct"))
            let conduct: CodeOfConduct
            do {
                conduct = try CodeOfConduct.parse(text, fileName: file)
            } catch {
                throw CLIProblem(text: error.problems.map { $0.text(common.lang) }.joined(separator: "\n"))
            }
            try SimpleWrite.run(common, actor, kind: "conduct") { _, _ throws(LocalizedMessage) in
                .conductPublished(conduct)
            } answer: { recorded in
                common.t("已发布守则第 \(conduct.version) 版（\(conduct.articles.count) 条，\(conduct.effectiveFrom) 起施行），记录 #\(recorded.sequence)",
                         "published version \(conduct.version) of the code of conduct (\(conduct.articles.count) articles, in force from \(conduct.effectiveFrom)), record #\(recorded.sequence)")
            }
        } catch {
            throw common.failure(error)
        }
    }
}
