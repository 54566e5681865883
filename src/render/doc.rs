//! One layout, three markups: a result is laid out once as a [`Doc`] (titles, paragraphs,
//! tables, notes, lists of text cells), and the terminal table, Markdown and the HTML page each
//! write that document with their own [`Markup`] (hyperfine's `MarkupExporter`). Cells are
//! already formatted text here: the numbers were chosen by the layout, once for every markup.

use std::io::{self, Write};

/// A column of a table: its title, whether its cells are numbers (right-aligned), and when it
/// may be left out to fit a narrow terminal (`drop_rank`: 0 never; the highest goes first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub title: String,
    pub numeric: bool,
    pub drop_rank: u8,
    /// A shorter title a terminal table uses when the table does not fit its width.
    pub short: Option<String>,
    /// Text cells are wrapped onto a second line before this column is left out.
    pub wrap_first: bool,
    /// Cells are never cut onto two lines to fit (dates).
    pub whole: bool,
}

impl Column {
    pub fn text(title: &str) -> Column {
        Column {
            title: title.to_string(),
            numeric: false,
            drop_rank: 0,
            short: None,
            wrap_first: false,
            whole: false,
        }
    }
    pub fn number(title: &str) -> Column {
        Column {
            title: title.to_string(),
            numeric: true,
            drop_rank: 0,
            short: None,
            wrap_first: false,
            whole: false,
        }
    }
    /// The same column, left out before columns of lower rank when a table does not fit.
    pub fn droppable(mut self, rank: u8) -> Column {
        self.drop_rank = rank;
        self
    }
    /// The same column, titled `short` in a terminal table that does not fit.
    pub fn short(mut self, short: &str) -> Column {
        self.short = Some(short.to_string());
        self
    }
    /// The same column, its cells never cut onto two lines to fit.
    pub fn whole(mut self) -> Column {
        self.whole = true;
        self
    }
    /// The same column, kept while the table's text can wrap onto two lines instead.
    pub fn wrap_first(mut self) -> Column {
        self.wrap_first = true;
        self
    }
}

/// A table of text cells, with an optional total row (shown in bold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TableBlock {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    pub total: Option<Vec<String>>,
}

/// One part of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document title, with the line that qualifies it (period, zone).
    Title {
        title: String,
        subtitle: String,
    },
    /// A section heading.
    Heading(String),
    /// A line of text.
    Text(String),
    /// Something that changes how the numbers read (unpriced usage, unchecked tiers).
    Warning(String),
    /// A highlighted line (the projection).
    Strong(String),
    Table(TableBlock),
    /// A labelled list (price files).
    List {
        label: String,
        items: Vec<String>,
    },
}

/// A laid-out result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Doc {
    pub blocks: Vec<Block>,
}

impl Doc {
    pub fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }
}

/// How one markup writes each kind of block. Log text in cells is made safe by the markup
/// (control characters for the terminal, escaping for Markdown and HTML).
pub trait Markup {
    fn title(&self, title: &str, subtitle: &str, w: &mut dyn Write) -> io::Result<()>;
    fn heading(&self, text: &str, w: &mut dyn Write) -> io::Result<()>;
    fn text(&self, text: &str, w: &mut dyn Write) -> io::Result<()>;
    fn warning(&self, text: &str, w: &mut dyn Write) -> io::Result<()>;
    fn strong(&self, text: &str, w: &mut dyn Write) -> io::Result<()>;
    fn table(&self, t: &TableBlock, w: &mut dyn Write) -> io::Result<()>;
    fn list(&self, label: &str, items: &[String], w: &mut dyn Write) -> io::Result<()>;

    /// Writes every block in order.
    fn write(&self, doc: &Doc, w: &mut dyn Write) -> io::Result<()> {
        for b in &doc.blocks {
            match b {
                Block::Title { title, subtitle } => self.title(title, subtitle, w)?,
                Block::Heading(t) => self.heading(t, w)?,
                Block::Text(t) => self.text(t, w)?,
                Block::Warning(t) => self.warning(t, w)?,
                Block::Strong(t) => self.strong(t, w)?,
                Block::Table(t) => self.table(t, w)?,
                Block::List { label, items } => self.list(label, items, w)?,
            }
        }
        Ok(())
    }
}
