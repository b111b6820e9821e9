package dev.scepter.certmaster.web;

import dev.scepter.certmaster.core.AuditEntry;
import dev.scepter.certmaster.core.CoreApi;
import java.util.List;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The audit trail: the core's own ({@code GET /api/manage/audit}, the portal's Manage.All),
 * one trail for every way in (SCEP, the API, this portal). The newest {@value #SEARCHED} events are
 * searched by text over who, what, target and outcome; at most {@value #SHOWN} are shown.
 */
@Controller
public class AuditController {

    static final int SEARCHED = 1000;
    static final int SHOWN = 200;

    private final CoreApi core;

    public AuditController(CoreApi core) {
        this.core = core;
    }

    @GetMapping("/audit")
    public String audit(@RequestParam(name = "q", required = false) String text, Model model) {
        String wanted = text == null ? "" : text.strip();
        List<AuditEntry> matching = core.audit(SEARCHED).stream().filter(entry -> wanted.isEmpty() || entry.matches(wanted)).toList();
        model.addAttribute("q", wanted);
        model.addAttribute("events", matching.stream().limit(SHOWN).toList());
        model.addAttribute("more", matching.size() > SHOWN);
        model.addAttribute("searched", SEARCHED);
        model.addAttribute("shown", SHOWN);
        return "audit";
    }
}
