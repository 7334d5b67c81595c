//! Content tools: parsers and validators for what institutions import (captions, later QTI).

pub mod vtt;
